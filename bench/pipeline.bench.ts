// Pipeline overhead: cards/s through enqueue → render-jobs → renderBatch → blobs (Azurite) vs bare renderCard.
import { readFileSync } from "node:fs";
import os from "node:os";
import { startAzurite } from "../local/azurite";
import { renderBatchHandler } from "../functions/renderBatch";
import { triggers } from "../functions/host";
import { enqueueBatch } from "../jobs/enqueue";
import { type QueueDeliveryTarget, deliverQueueMessage } from "../local";
import { names, readHostConfig, readSettings } from "../settings";
import { connectStorage, ensureStorageResources, type JobStorage } from "../jobs/storage";
import { getBatchStatus } from "../jobs/status";
import { standardAssets, standardCard } from "./standardCard";
import { median } from "./stats";
import { standardCardsPerSecond } from "./throughput";

const json = process.argv.includes("--json");
const cardsArg = process.argv.indexOf("--cards");
const cards = cardsArg > 0 ? Number(process.argv[cardsArg + 1]) : 300;
const rounds = 5;
const log = (line: string) => {
  if (!json) console.log(line);
};

const hostQueues = readHostConfig().queues;
/** Messages the host runs at once per instance. */
const messagesInFlight =
  Number(process.env.BENCH_MESSAGES_IN_FLIGHT) ||
  hostQueues.batchSize + hostQueues.newBatchThreshold;

/** The queue handler under test, connected to the benchmark's Azurite by main(). */
let renderBatch: ReturnType<typeof renderBatchHandler> = () =>
  Promise.reject(new Error("renderBatch used before main() connected it to Azurite"));

/**
 * Runs messages in `messagesInFlight` lanes through the local host's delivery (local/queueDelivery.ts:
 * base64 → the trigger's input (bytes, as `dataType: "binary"` asks) → handler → delete, retry or
 * poison) until the queue is empty.
 */
async function dispatch(storage: JobStorage): Promise<void> {
  const target: QueueDeliveryTarget = {
    functionName: "renderBatch",
    queue: storage.renderQueue,
    poisonQueue: storage.poisonQueue,
    handler: renderBatch,
    dataType: triggers.renderBatch.dataType,
    options: hostQueues,
    log: () => undefined,
  };
  const lane = async () => {
    for (;;) {
      const received = await storage.renderQueue.receiveMessages({ visibilityTimeout: 300 });
      const message = received.receivedMessageItems[0];
      if (!message) return;
      await deliverQueueMessage(target, message);
    }
  };
  await Promise.all(Array.from({ length: messagesInFlight }, lane));
}

/** CPU seconds a process has used so far (Linux /proc), to show what the emulator itself costs. */
function cpuSecondsOf(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks
  } catch {
    return NaN;
  }
}

/** The whole path: batch file in, every image in blob storage and every chunk result written. */
async function throughPipeline(storage: JobStorage, count: number): Promise<number> {
  const settings = readSettings();
  const items = Array.from({ length: count }, (_, index) => ({
    ...standardCard,
    id: `card-${index}`,
  }));
  const start = performance.now();
  const batch = await enqueueBatch(storage, { items }, { settings });
  await dispatch(storage);
  const seconds = (performance.now() - start) / 1000;
  const status = await getBatchStatus(storage, batch.batchId, { settings });
  if (status.done !== count) throw new Error(`pipeline finished ${status.done}/${count} cards`);
  return count / seconds;
}

async function main(): Promise<void> {
  const settings = readSettings();
  const azurite = await startAzurite();
  // The handler reads this Azurite through its app settings, given as a value.
  renderBatch = renderBatchHandler({
    ...process.env,
    [names.connectionSetting]: azurite.connectionString,
  });
  try {
    const storage = connectStorage({ connectionString: azurite.connectionString });
    await ensureStorageResources(storage);
    const logo = standardAssets().get("logo.png") as Uint8Array;
    await storage.assets.getBlockBlobClient("logo.png").uploadData(logo);

    // Warm-up: fonts, caches, JIT, connections; the first hundred cards are slower either way.
    await standardCardsPerSecond(100, settings.RENDER_CONCURRENCY);
    await throughPipeline(storage, 4 * settings.CHUNK_SIZE);
    const bareRuns: number[] = [];
    const pipelineRuns: number[] = [];
    const emulatorCpu: number[] = [];
    const bareCpuMs: number[] = [];
    const pipelineCpuMs: number[] = [];
    /** CPU ms per card of this process (main thread and libuv pool together). */
    const cpuPerCard = (since: NodeJS.CpuUsage) => {
      const used = process.cpuUsage(since);
      return (used.user + used.system) / 1000 / cards;
    };
    // Interleaved rounds so that load from elsewhere on the machine hits both sides alike.
    for (let round = 0; round < rounds; round++) {
      let cpu = process.cpuUsage();
      bareRuns.push(await standardCardsPerSecond(cards, settings.RENDER_CONCURRENCY));
      bareCpuMs.push(cpuPerCard(cpu));
      const emulatorBefore = cpuSecondsOf(azurite.pid);
      const wallStart = performance.now();
      cpu = process.cpuUsage();
      pipelineRuns.push(await throughPipeline(storage, cards));
      pipelineCpuMs.push(cpuPerCard(cpu));
      const wall = (performance.now() - wallStart) / 1000;
      emulatorCpu.push((cpuSecondsOf(azurite.pid) - emulatorBefore) / wall);
    }
    const bareCps = median(bareRuns);
    const pipelineCps = median(pipelineRuns);
    const ratio = pipelineCps / bareCps;
    const figures = {
      cards,
      rounds,
      card: "bench/standardCard.ts (1200×630 PNG, gradient, logo)",
      chunkSize: settings.CHUNK_SIZE,
      renderConcurrency: settings.RENDER_CONCURRENCY,
      messagesInFlight,
      bareCardsPerSecond: Number(bareCps.toFixed(2)),
      pipelineCardsPerSecond: Number(pipelineCps.toFixed(2)),
      ratio: Number(ratio.toFixed(3)),
      /** CPU per card in this process: what the pipeline adds on top of rendering, machine load aside. */
      bareCpuMsPerCard: Number(median(bareCpuMs).toFixed(2)),
      pipelineCpuMsPerCard: Number(median(pipelineCpuMs).toFixed(2)),
      /** Cores Azurite kept busy during the pipeline runs (in Azure, storage is not on our cores). */
      emulatorCores: Number(median(emulatorCpu).toFixed(2)),
      target: 0.85,
      bareRuns: bareRuns.map((value) => Number(value.toFixed(2))),
      pipelineRuns: pipelineRuns.map((value) => Number(value.toFixed(2))),
      node: process.version,
      /** Other work on the machine skews both sides; shown so a reader can judge the figures. */
      loadAverage1m: Number((os.loadavg()[0] ?? 0).toFixed(2)),
      cores: os.cpus().length,
    };
    if (json) {
      console.log(JSON.stringify(figures, null, 2));
    } else {
      log(
        `bare renderCard: ${bareCps.toFixed(1)} cards/s (${settings.RENDER_CONCURRENCY} in flight; runs ${figures.bareRuns.join(", ")})`,
      );
      log(
        `pipeline (enqueue → ${names.renderQueue} → renderBatch → blobs, Azurite): ${pipelineCps.toFixed(1)} cards/s (chunks of ${settings.CHUNK_SIZE}, ${messagesInFlight} messages in flight; runs ${figures.pipelineRuns.join(", ")})`,
      );
      log(
        `CPU per card in this process: bare ${figures.bareCpuMsPerCard} ms, pipeline ${figures.pipelineCpuMsPerCard} ms (×${(figures.pipelineCpuMsPerCard / figures.bareCpuMsPerCard).toFixed(2)})`,
      );
      log(
        `Azurite kept ${figures.emulatorCores} cores busy during the pipeline runs (same machine)`,
      );
      log(`machine: ${figures.cores} cores, load average ${figures.loadAverage1m} at the end`);
      log(
        `pipeline / bare = ${(ratio * 100).toFixed(1)} % (target ≥ 85 %) — median of ${rounds} rounds of ${cards} cards`,
      );
    }
  } finally {
    await azurite.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
