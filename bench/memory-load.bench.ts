// Memory under heavy valid load: the local stack's worker RSS (peak, idle vs warm) and health-check latency while saturated.
import { numberOption } from "./options";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { enqueueBatch } from "../jobs/enqueue";
import { readSettings, type Settings } from "../settings";
import { getBatchStatus } from "../jobs/status";
import { connectStorage, type JobStorage } from "../jobs/storage";
import {
  assertLoopback,
  killGroups,
  memoryOf,
  startStack,
  stopStack,
  type BenchStack,
} from "./localStack";
import { percentile } from "./stats";
import { readExampleBatch } from "./exampleBatch";

class MemoryLoadBenchError extends Error {
  override name = "MemoryLoadBenchError";
}

const option = (name: string, fallback: number) =>
  numberOption(name, fallback, MemoryLoadBenchError);

const json = process.argv.includes("--json");
/** Concurrent POST /api/render of ordinary cards (1200×630 PNG). */
const ordinaryCount = option("ordinary", 200);
/** Concurrent POST /api/render of 4096² PNG cards. */
const hugeCount = option("huge", 4);
/** Large cards in the batch rendered through the queue while the ordinary renders run. */
const largeBatchSize = option("large", 16);
/** Seconds the worker is left idle after the load before its RSS is read again. */
const idleS = option("idle", 20);
/** The whole run stops here whatever happens. */
const timeoutS = option("timeout", 600);
/** Forwarded to the stack as app settings when given (e.g. `--budget 16384` turns the gate off). */
const budgetMb = option("budget", 0);
const maxPending = option("max-pending", 0);
/** Format of the huge cards: png (the default) or the heaviest in memory, avif. */
const hugeFormat = process.argv.includes("--huge-avif") ? "avif" : "png";

const repoRoot = path.join(__dirname, "..");
const examples = path.join(repoRoot, "examples");
const log = (line: string) => {
  if (!json) console.log(line);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const ordinaryCard = (index: number) => ({
  template: "classic",
  eyebrow: "Load",
  title: `Ordinary card number ${index} rendered synchronously while the worker is saturated`,
  subtitle: "A 1200×630 PNG with a gradient background, the most common request.",
  author: "Memory bench",
});

const hugeCard = (index: number) => ({
  template: "bold",
  title: `Huge card ${index}`,
  subtitle: "4096 × 4096, the largest output a spec may ask for.",
  size: { width: 4096, height: 4096 },
  format: hugeFormat,
});

/**
 * Large outputs in every format. WebP and AVIF are smaller (1600², 1200²): larger ones take
 * several seconds each and may pass their per-card deadline on a loaded machine (jobs/deadline.ts),
 * which is not what this benchmark measures.
 */
function largeBatch(size: number) {
  const shapes = [
    { size: { width: 4096, height: 4096 }, format: "png" },
    { size: { width: 4096, height: 4096 }, format: "jpeg" },
    { size: { width: 4096, height: 2304 }, format: "png" },
    { size: { width: 1600, height: 1600 }, format: "webp" },
    { size: { width: 1200, height: 1200 }, format: "avif" },
    { size: "story", scale: 2, format: "png" },
  ];
  return {
    items: Array.from({ length: size }, (_, index) => ({
      id: `large-${index}`,
      template: ["photo", "split", "classic", "bold"][index % 4],
      title: `Large card ${index}`,
      subtitle: "Rendered through the queue while synchronous renders run.",
      logo: "assets/logo.png",
      ...(index % 4 === 0 ? { background: "assets/landscape.jpg" } : {}),
      ...shapes[index % shapes.length],
    })),
    metadata: { source: "bench/memory-load.bench.ts" },
  };
}

interface RenderOutcome {
  status: number;
  /** 429 answers received (and retried after their Retry-After) before the final status. */
  busy: number;
  ms: number;
}

/** Connections reset under the client (retried), over the whole run. */
let connectionResets = 0;

/** POST /api/render, retrying 429s after their Retry-After as a well-behaved client does. */
async function renderOnce(httpUrl: string, card: unknown): Promise<RenderOutcome> {
  const started = performance.now();
  let busy = 0;
  let resets = 0;
  for (;;) {
    let response: Response;
    try {
      response = await fetch(`${httpUrl}/render`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(card),
      });
      await response.arrayBuffer();
    } catch (error) {
      // A kept-alive connection the server closed as the request went out (its 5 s keep-alive
      // timeout): fetch does not retry a POST itself.
      const code = (error as { cause?: { code?: string } }).cause?.code;
      if (code !== "ECONNRESET" || resets >= 5) throw error;
      resets += 1;
      connectionResets += 1;
      continue;
    }
    if (response.status !== 429) {
      return { status: response.status, busy, ms: performance.now() - started };
    }
    busy += 1;
    const retryAfter = Number(response.headers.get("retry-after") ?? "1");
    // Jitter, so the retried requests do not arrive together again.
    await sleep((retryAfter + Math.random()) * 1000);
  }
}

function summarize(outcomes: RenderOutcome[]) {
  const statuses: Record<string, number> = {};
  for (const outcome of outcomes) statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1;
  const sorted = outcomes.map((outcome) => outcome.ms).sort((a, b) => a - b);
  return {
    requests: outcomes.length,
    statuses,
    answered429: outcomes.reduce((sum, outcome) => sum + outcome.busy, 0),
    latencyMs: {
      p50: Math.round(percentile(sorted, 50)),
      p99: Math.round(percentile(sorted, 99)),
      max: Math.round(sorted.at(-1) ?? NaN),
    },
  };
}

/** GET /api/health every 50 ms (not waiting for the previous one), latencies recorded per phase. */
function startHealthProbe(httpUrl: string) {
  let phase = "idle";
  const samples = new Map<string, number[]>();
  let failures = 0;
  /** The worker's own event-loop delay (jobs/eventLoopDelay.ts), worst seen per phase. */
  const loopMaxByPhase = new Map<string, number>();
  const timer = setInterval(() => {
    const started = performance.now();
    const current = phase;
    fetch(`${httpUrl}/health`)
      .then(async (response) => {
        const body = (await response.json().catch(() => ({}))) as {
          eventLoop?: { currentMaxMs?: number };
        };
        if (response.status !== 200) failures += 1;
        const blockedMs = body.eventLoop?.currentMaxMs;
        if (typeof blockedMs === "number") {
          loopMaxByPhase.set(current, Math.max(loopMaxByPhase.get(current) ?? 0, blockedMs));
        }
        const list = samples.get(current) ?? [];
        list.push(performance.now() - started);
        samples.set(current, list);
      })
      .catch(() => (failures += 1));
  }, 50);
  return {
    setPhase: (name: string) => (phase = name),
    stop: () => clearInterval(timer),
    report: () => ({
      failures,
      byPhase: Object.fromEntries(
        [...samples].map(([name, values]) => {
          const sorted = [...values].sort((a, b) => a - b);
          return [
            name,
            {
              samples: sorted.length,
              p50: Number(percentile(sorted, 50).toFixed(1)),
              p99: Number(percentile(sorted, 99).toFixed(1)),
              max: Number((sorted.at(-1) ?? NaN).toFixed(1)),
              eventLoopMaxMs: loopMaxByPhase.get(name) ?? null,
            },
          ];
        }),
      ),
    }),
  };
}

/** Worker RSS sampled every 100 ms; the peak of each phase is kept. */
function startRssSampler(stack: BenchStack) {
  let phase = "idle";
  const peaks = new Map<string, number>();
  let failure: Error | undefined;
  const timer = setInterval(() => {
    try {
      const { rss } = memoryOf(stack.info.pid, stack.logTail);
      peaks.set(phase, Math.max(peaks.get(phase) ?? 0, rss));
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
  }, 100);
  timer.unref();
  return {
    setPhase: (name: string) => (phase = name),
    stop: () => clearInterval(timer),
    check: () => {
      if (failure) throw failure;
    },
    peaks: () => Object.fromEntries([...peaks].map(([name, rss]) => [name, Math.round(rss)])),
  };
}

async function uploadAssets(storage: JobStorage): Promise<void> {
  for (const name of ["assets/logo.png", "assets/landscape.jpg"]) {
    await storage.assets.getBlockBlobClient(name).uploadFile(path.join(examples, name));
  }
}

async function renderBatch(
  storage: JobStorage,
  settings: Settings,
  batch: unknown,
): Promise<{ ok: number; failed: number; seconds: number; errors: string[] }> {
  const started = Date.now();
  const enqueued = await enqueueBatch(storage, batch, { settings });
  if (enqueued.rejected.length) {
    throw new MemoryLoadBenchError(`${enqueued.rejected.length} cards rejected at enqueue`);
  }
  for (;;) {
    const status = await getBatchStatus(storage, enqueued.batchId, { settings });
    if (status.state !== "in_progress") {
      return {
        ok: status.done,
        failed: status.failed,
        seconds: Number(((Date.now() - started) / 1000).toFixed(1)),
        errors: status.items.flatMap((item) =>
          item.status === "failed" ? [`${item.id}: ${item.error.code} ${item.error.message}`] : [],
        ),
      };
    }
    await sleep(500);
  }
}

async function main(): Promise<void> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "cardpress-memory-load-"));
  const env: Record<string, string> = {};
  if (budgetMb) env.RENDER_MEMORY_BUDGET_MB = String(budgetMb);
  if (maxPending) env.RENDER_HTTP_MAX_PENDING = String(maxPending);
  const stack = await startStack(stateDir, env);
  const hardTimer = setTimeout(() => {
    console.error(`memory-load bench: hard timeout of ${timeoutS} s reached; stopping the stack`);
    killGroups([stack.info.pid, stack.child.pid]);
    process.exit(2);
  }, timeoutS * 1000);
  const rss = startRssSampler(stack);
  const health = startHealthProbe(stack.info.httpUrl);
  try {
    assertLoopback(stack.info);
    const worker = stack.info.pid;
    const httpUrl = stack.info.httpUrl;
    const storage = connectStorage({ connectionString: stack.info.connectionString });
    const settings = readSettings({ ...process.env, ...env });
    await uploadAssets(storage);
    await sleep(3_000);
    const cold = memoryOf(worker, stack.logTail).rss;
    log(`stack pid ${worker}: cold RSS ${cold.toFixed(0)} MiB`);

    // Warm-up: the example batch (every template, format and script) and a few synchronous
    // renders, so fonts and encoders are loaded before the baseline.
    const example = readExampleBatch();
    const warmBatch = await renderBatch(storage, settings, example);
    // A card the pipeline refuses (e.g. over a cost budget) is reported, not fatal.
    if (warmBatch.errors.length) log(`warm-up failures: ${warmBatch.errors.join("; ")}`);
    for (let index = 0; index < 4; index += 1) await renderOnce(httpUrl, ordinaryCard(index));
    await sleep(3_000);
    const warm = memoryOf(worker, stack.logTail).rss;
    log(`warm baseline RSS ${warm.toFixed(0)} MiB`);
    health.setPhase("warm");
    await sleep(2_000);

    rss.setPhase("huge");
    health.setPhase("huge");
    log(`${hugeCount} concurrent 4096² ${hugeFormat} renders…`);
    const huge = summarize(
      await Promise.all(
        Array.from({ length: hugeCount }, (_, index) => renderOnce(httpUrl, hugeCard(index))),
      ),
    );
    rss.check();

    rss.setPhase("mixed");
    health.setPhase("mixed");
    log(
      `${ordinaryCount} concurrent ordinary renders and a batch of ${largeBatchSize} large cards…`,
    );
    const [ordinary, large] = await Promise.all([
      Promise.all(
        Array.from({ length: ordinaryCount }, (_, index) =>
          renderOnce(httpUrl, ordinaryCard(index)),
        ),
      ).then(summarize),
      largeBatchSize
        ? renderBatch(storage, settings, largeBatch(largeBatchSize))
        : { ok: 0, failed: 0, seconds: 0, errors: [] },
    ]);
    rss.check();

    rss.setPhase("idle-after");
    health.setPhase("idle-after");
    const idle: { afterS: number; rss: number }[] = [];
    for (let second = 1; second <= idleS; second += 1) {
      await sleep(1_000);
      if (second % 5 === 0 || second === idleS) {
        idle.push({ afterS: second, rss: Math.round(memoryOf(worker, stack.logTail).rss) });
      }
    }
    health.stop();
    rss.stop();
    const hwm = memoryOf(worker, stack.logTail).hwm;
    const idleEnd = idle.at(-1)?.rss ?? NaN;
    const problems = [
      ...(huge.statuses["200"] !== hugeCount ? [`huge: ${JSON.stringify(huge.statuses)}`] : []),
      ...(ordinary.statuses["200"] !== ordinaryCount
        ? [`ordinary: ${JSON.stringify(ordinary.statuses)}`]
        : []),
      ...large.errors.map((error) => `large batch: ${error}`),
      ...(health.report().failures ? [`health: ${health.report().failures} failures`] : []),
    ];
    const report = {
      settings: {
        RENDER_MEMORY_BUDGET_MB: settings.RENDER_MEMORY_BUDGET_MB,
        RENDER_HTTP_MAX_PENDING: settings.RENDER_HTTP_MAX_PENDING,
      },
      workerRssMiB: {
        cold: Math.round(cold),
        warm: Math.round(warm),
        peakByPhase: rss.peaks(),
        highWaterMark: Math.round(hwm),
        idle,
        idleAboveWarm: Math.round(idleEnd - warm),
        idleAboveWarmPercent: Math.round(((idleEnd - warm) / warm) * 100),
      },
      huge,
      ordinary,
      largeBatch: { cards: largeBatchSize, ...large },
      warmUpFailures: warmBatch.errors,
      healthMs: health.report(),
      connectionResets,
      ok: problems.length === 0,
      problems,
      stackErrorLines: stack.errors.length,
      machine: {
        cores: os.cpus().length,
        load: os.loadavg().map((value) => Number(value.toFixed(1))),
        node: process.version,
      },
    };
    if (json) console.log(JSON.stringify(report, null, 2));
    else {
      const memory = report.workerRssMiB;
      log(
        `worker RSS: cold ${memory.cold}, warm ${memory.warm}, peak ${JSON.stringify(memory.peakByPhase)}, high-water ${memory.highWaterMark} MiB`,
      );
      log(
        `idle after load: ${idle.map((sample) => `${sample.afterS} s ${sample.rss}`).join(", ")} MiB (${memory.idleAboveWarm} MiB, ${memory.idleAboveWarmPercent} % above warm)`,
      );
      log(`huge: ${JSON.stringify(huge)}`);
      log(`ordinary: ${JSON.stringify(ordinary)}`);
      log(`large batch: ${JSON.stringify(report.largeBatch)}`);
      log(`health (ms): ${JSON.stringify(report.healthMs.byPhase)}`);
      log(problems.length ? `PROBLEMS:\n${problems.join("\n")}` : "all answered, all rendered");
    }
    if (problems.length) process.exitCode = 1;
  } finally {
    health.stop();
    rss.stop();
    clearTimeout(hardTimer);
    await stopStack(stack);
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  const cause = error instanceof Error && error.cause ? ` (${String(error.cause)})` : "";
  console.error(
    `memory-load bench failed: ${error instanceof Error ? error.message : String(error)}${cause}`,
  );
  process.exitCode = 1;
});
