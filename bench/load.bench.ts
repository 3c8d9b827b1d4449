// Load: 2,000 mixed cards in 8 batches through the local stack (npm start's process), checked for losses and duplicates, with RSS.
import { numberOption } from "./options";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { blobNames } from "../jobs/layout";
import { readJsonBlob } from "../jobs/blobJson";
import { enqueueBatch } from "../jobs/enqueue";
import { chunkResultSchema, type ChunkResult } from "../jobs/protocol";
import { readSettings, type Settings } from "../settings";
import { connectStorage, type JobStorage } from "../jobs/storage";
import { getBatchStatus } from "../jobs/status";
import {
  assertLoopback,
  childrenOf,
  killGroups,
  memoryOf as processMemory,
  startStack,
} from "./localStack";
import { percentile } from "./stats";
import { readExampleBatch, type ExampleBatch } from "./exampleBatch";

/** The run went past its hard timeout, or the stack misbehaved: the benchmark stops. */
class LoadBenchError extends Error {
  override name = "LoadBenchError";
}

const option = (name: string, fallback: number) => numberOption(name, fallback, LoadBenchError);

const json = process.argv.includes("--json");
const batches = option("batches", 8);
const perBatch = option("per-batch", 250);
/** Seconds between batch submissions (0: all at once, a burst). */
const spacingS = option("spacing", 0);
/** Seconds the worker is left idle after the load before its RSS is read again. */
const idleS = option("idle", 20);
/** The whole run, start-up to shutdown, stops here whatever happens. */
const timeoutS = option("timeout", 600);
/** Load rounds of batches × per-batch cards; a second round shows whether memory keeps growing. */
const roundCount = option("rounds", 1);

const repoRoot = path.join(__dirname, "..");
const examples = path.join(repoRoot, "examples");
const log = (line: string) => {
  if (!json) console.log(line);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Set when the memory sampler finds the worker gone. */
let samplerFailure: Error | undefined;

/** `per-batch` cards cycling through examples/batch.json: every template, size and format there. */
function makeBatch(
  name: string,
  size: number,
): ExampleBatch & { metadata: Record<string, string> } {
  const example = readExampleBatch();
  const items = Array.from({ length: size }, (_, index) => {
    const item = example.items[index % example.items.length] as ExampleBatch["items"][number];
    return { ...item, id: `${item.id}-${name}-${index}` };
  });
  return { defaults: example.defaults, items, metadata: { source: "bench/load.bench.ts" } };
}

async function uploadAssets(storage: JobStorage): Promise<void> {
  // The example specs name assets relative to examples/, as `cardpress enqueue` uploads them.
  for (const name of ["assets/logo.png", "assets/landscape.jpg"]) {
    await storage.assets.getBlockBlobClient(name).uploadFile(path.join(examples, name));
  }
}

async function listNames(storage: JobStorage, prefix: string): Promise<string[]> {
  const names: string[] = [];
  for await (const blob of storage.renders.listBlobsFlat({ prefix })) names.push(blob.name);
  return names;
}

interface RoundResult {
  problems: string[];
  rendered: number;
  /** First enqueue → last chunk result. */
  seconds: number;
  latency: { p50: number; p95: number; max: number };
}

/** Enqueues `count` batches of `size` cards, waits for every chunk result, then checks everything. */
async function runRound(
  storage: JobStorage,
  settings: Settings,
  name: string,
  count: number,
  size: number,
): Promise<RoundResult> {
  const started = Date.now();
  const enqueued: { batchId: string; at: number; chunkCount: number }[] = [];
  for (let batch = 0; batch < count; batch++) {
    if (batch > 0 && spacingS > 0) await sleep(spacingS * 1000);
    const result = await enqueueBatch(storage, makeBatch(`${name}-${batch}`, size), { settings });
    if (result.accepted !== size) {
      throw new LoadBenchError(`batch ${batch}: ${result.rejected.length} cards rejected`);
    }
    enqueued.push({ batchId: result.batchId, at: Date.now(), chunkCount: result.chunkCount });
  }
  log(`${name}: enqueued in ${((Date.now() - started) / 1000).toFixed(1)} s; rendering…`);

  // Done when every chunk has its result (one listing per batch per second).
  const totalChunks = enqueued.reduce((sum, batch) => sum + batch.chunkCount, 0);
  for (;;) {
    const counts = await Promise.all(
      enqueued.map(
        async (batch) =>
          (await listNames(storage, blobNames.chunkResultsPrefix(batch.batchId))).length,
      ),
    );
    if (samplerFailure) throw samplerFailure;
    const finished = counts.reduce((sum, done) => sum + done, 0);
    if (!json) process.stdout.write(`\r${finished}/${totalChunks} chunks`);
    if (finished >= totalChunks) break;
    await sleep(1_000);
  }
  if (!json) process.stdout.write("\n");

  // Every card rendered once, one blob per card and nothing else, status succeeded.
  const problems: string[] = [];
  const latencies: number[] = [];
  let lastCompletion = 0;
  let rendered = 0;
  for (const batch of enqueued) {
    const results: ChunkResult[] = [];
    for (let chunk = 0; chunk < batch.chunkCount; chunk++) {
      const result = await readJsonBlob(
        storage.renders,
        blobNames.chunkResult(batch.batchId, chunk),
        chunkResultSchema,
      );
      if (!result) problems.push(`${batch.batchId}: chunk ${chunk} has no result`);
      else results.push(result);
    }
    const items = results.flatMap((result) =>
      result.items.map((item) => ({ item, completedAt: Date.parse(result.completedAt) })),
    );
    const indexes = new Set(items.map(({ item }) => item.index));
    if (items.length !== size || indexes.size !== size) {
      problems.push(
        `${batch.batchId}: ${items.length} results for ${indexes.size} of ${size} cards`,
      );
    }
    const expectedBlobs = new Set<string>();
    for (const { item, completedAt } of items) {
      if (item.status !== "ok") {
        problems.push(`${batch.batchId}/${item.id}: ${item.error.code} ${item.error.message}`);
        continue;
      }
      rendered += 1;
      expectedBlobs.add(item.blob);
      latencies.push(completedAt - batch.at);
      lastCompletion = Math.max(lastCompletion, completedAt);
    }
    const outputs = (await listNames(storage, blobNames.batchPrefix(batch.batchId))).filter(
      (blob) => !blob.endsWith("/_batch.json") && !blob.includes("/_chunks/"),
    );
    const unexpected = outputs.filter((blob) => !expectedBlobs.has(blob));
    const missing = [...expectedBlobs].filter((blob) => !outputs.includes(blob));
    if (outputs.length !== size || unexpected.length || missing.length) {
      problems.push(
        `${batch.batchId}: ${outputs.length} image blobs, ${unexpected.length} unexpected, ${missing.length} missing`,
      );
    }
    const status = await getBatchStatus(storage, batch.batchId, { settings });
    if (status.state !== "succeeded" || status.done !== size) {
      problems.push(`${batch.batchId}: status ${status.state}, ${status.done} done`);
    }
  }
  const queued = (await storage.renderQueue.getProperties()).approximateMessagesCount ?? 0;
  const poisoned = (await storage.poisonQueue.getProperties()).approximateMessagesCount ?? 0;
  if (queued || poisoned) problems.push(`queue: ${queued} left, poison: ${poisoned}`);
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    problems,
    rendered,
    seconds: (lastCompletion - started) / 1000,
    latency: {
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      max: sorted.at(-1) ?? NaN,
    },
  };
}

async function main(): Promise<void> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "cardpress-load-"));
  const stack = await startStack(stateDir);
  const { child, info } = stack;
  const memoryOf = (pid: number) => processMemory(pid, stack.logTail);
  const stackGroup = child.pid;
  const hardTimer = setTimeout(() => {
    console.error(`load bench: hard timeout of ${timeoutS} s reached; stopping the stack`);
    killGroups([info.pid, stackGroup]);
    process.exit(2);
  }, timeoutS * 1000);
  const stopStack = async () => {
    clearTimeout(hardTimer);
    if (child.exitCode !== null || child.signalCode !== null || stackGroup === undefined) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGINT"); // the supervisor forwards it to the stack, which stops Azurite last
    const killed = setTimeout(() => killGroups([info.pid, stackGroup]), 15_000);
    await exited;
    clearTimeout(killed);
  };
  try {
    assertLoopback(info);
    const worker = info.pid;
    const storage = connectStorage({ connectionString: info.connectionString });
    await uploadAssets(storage);
    await sleep(3_000); // let start-up settle before the baseline
    const coldBaseline = memoryOf(worker);
    log(
      `stack pid ${worker}: cold baseline RSS ${coldBaseline.rss.toFixed(0)} MiB; ${batches} × ${perBatch} cards`,
    );

    const settings = readSettings();
    // Warm-up: the 25 example cards once, so fonts, templates and encoders are loaded before
    // the baseline (memory they keep is the worker's working set, not growth under load).
    const warm = await runRound(storage, settings, "warm", 1, makeBatch("warm", 25).items.length);
    if (warm.problems.length) throw new LoadBenchError(`warm-up: ${warm.problems.join("; ")}`);
    await sleep(3_000);
    const warmBaseline = memoryOf(worker);
    log(`warm baseline RSS ${warmBaseline.rss.toFixed(0)} MiB`);

    let peakRss = warmBaseline.rss;
    let peakAzurite = 0;
    const sampler = setInterval(() => {
      try {
        peakRss = Math.max(peakRss, memoryOf(worker).rss);
        for (const pid of childrenOf(worker)) {
          if (existsSync(`/proc/${pid}`)) peakAzurite = Math.max(peakAzurite, memoryOf(pid).rss);
        }
      } catch (error) {
        // Thrown from the round's wait loop, so the stack is still stopped and reported.
        samplerFailure = error instanceof Error ? error : new Error(String(error));
      }
    }, 250);
    sampler.unref(); // a round that throws must not keep the benchmark alive
    const rounds: (RoundResult & { rssAfter: number })[] = [];
    for (let round = 0; round < roundCount; round++) {
      const result = await runRound(storage, settings, `r${round}`, batches, perBatch);
      rounds.push({ ...result, rssAfter: memoryOf(worker).rss });
    }
    clearInterval(sampler);
    const problems = rounds.flatMap((round) => round.problems);
    const queued = (await storage.renderQueue.getProperties()).approximateMessagesCount ?? 0;
    const poisoned = (await storage.poisonQueue.getProperties()).approximateMessagesCount ?? 0;
    if (queued || poisoned) problems.push(`queue: ${queued} left, poison: ${poisoned}`);

    const after = memoryOf(worker);
    const idle: { afterS: number; rss: number }[] = [];
    for (let second = 1; second <= idleS; second++) {
      await sleep(1_000);
      if (second % 5 === 0 || second === idleS)
        idle.push({ afterS: second, rss: memoryOf(worker).rss });
    }
    const report = {
      batches,
      perBatch,
      rounds: rounds.map((round) => ({
        cards: batches * perBatch,
        rendered: round.rendered,
        seconds: Number(round.seconds.toFixed(1)),
        cardsPerSecond: Number((round.rendered / round.seconds).toFixed(1)),
        latencyMs: round.latency,
        rssAfterMiB: Math.round(round.rssAfter),
      })),
      spacingS,
      latencyDefinition:
        "from its batch's enqueueBatch returning to completedAt of the chunk result holding it",
      ok: problems.length === 0,
      problems: problems.slice(0, 20),
      stackErrorLines: stack.errors.length,
      workerRssMiB: {
        coldBaseline: Math.round(coldBaseline.rss),
        warmBaseline: Math.round(warmBaseline.rss),
        peak: Math.round(peakRss),
        highWaterMark: Math.round(after.hwm),
        atEnd: Math.round(after.rss),
        idle: idle.map((sample) => ({ ...sample, rss: Math.round(sample.rss) })),
      },
      azuritePeakRssMiB: Math.round(peakAzurite),
      machine: {
        cores: os.cpus().length,
        load: os.loadavg().map((value) => Number(value.toFixed(1))),
        node: process.version,
      },
    };
    if (json) console.log(JSON.stringify(report, null, 2));
    else {
      for (const round of report.rounds) {
        log(
          `${round.rendered}/${round.cards} cards in ${round.seconds} s: ${round.cardsPerSecond} cards/s; latency p50 ${round.latencyMs.p50} ms, p95 ${round.latencyMs.p95} ms; RSS after ${round.rssAfterMiB} MiB`,
        );
      }
      log(`(latency: ${report.latencyDefinition})`);
      const rss = report.workerRssMiB;
      log(
        `worker RSS: cold ${rss.coldBaseline} MiB, warm ${rss.warmBaseline} MiB, peak ${rss.peak} MiB, at end ${rss.atEnd} MiB, ` +
          rss.idle.map((sample) => `idle ${sample.afterS} s ${sample.rss} MiB`).join(", "),
      );
      log(
        `Azurite peak RSS ${report.azuritePeakRssMiB} MiB; stack error lines: ${report.stackErrorLines}`,
      );
      log(
        problems.length
          ? `PROBLEMS:\n${problems.join("\n")}`
          : "all rendered, no duplicates, no losses",
      );
    }
    if (problems.length) process.exitCode = 1;
  } finally {
    await stopStack();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`load bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
