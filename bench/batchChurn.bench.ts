// Batch churn: batches/s created through enqueueBatch and deleted by pruneExpiredBatches (Azurite).
import { startAzurite } from "../local/azurite";
import { mapWithLimit } from "../support/concurrency";
import { enqueueBatch } from "../jobs/enqueue";
import { pruneExpiredBatches } from "../jobs/prune";
import { readSettings } from "../settings";
import { connectStorage, ensureStorageResources } from "../jobs/storage";

const json = process.argv.includes("--json");
const countArg = process.argv.indexOf("--batches");
const batches = countArg > 0 ? Number(process.argv[countArg + 1]) : 2000;
/** Requests one client keeps in flight (an HTTP client with a connection pool). */
const clientConcurrency = Number(process.env.BENCH_CLIENT_CONCURRENCY) || 16;

/** The smallest batch a client can send: one card, one asset (a pin to take and later to delete). */
const batchFile = (index: number) => ({
  items: [
    {
      id: `card-${index}`,
      title: `Card ${index}`,
      size: { width: 64, height: 64 },
      logo: "logo.png",
    },
  ],
});

async function main(): Promise<void> {
  const settings = readSettings();
  const azurite = await startAzurite();
  try {
    const storage = connectStorage({ connectionString: azurite.connectionString });
    await ensureStorageResources(storage);
    const logo = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
      "base64",
    );
    await storage.assets.getBlockBlobClient("logo.png").uploadData(logo);
    // Created long enough ago to be expired now: the same batches are then pruned.
    const longAgo = new Date(Date.now() - (settings.MAX_TTL_HOURS + 1) * 3_600_000);
    await mapWithLimit([0, 1, 2, 3], 4, (index) =>
      enqueueBatch(storage, batchFile(index), { settings, now: longAgo }),
    );
    await pruneExpiredBatches(storage, { limit: 10 });

    const createStart = performance.now();
    await mapWithLimit(
      Array.from({ length: batches }, (_, index) => index),
      clientConcurrency,
      (index) => enqueueBatch(storage, batchFile(index), { settings, now: longAgo }),
    );
    const createSeconds = (performance.now() - createStart) / 1000;
    await storage.renderQueue.clearMessages();

    const pruneStart = performance.now();
    const report = await pruneExpiredBatches(storage, { limit: batches });
    const pruneSeconds = (performance.now() - pruneStart) / 1000;
    if (report.pruned.length !== batches) {
      throw new Error(`pruned ${report.pruned.length} of ${batches} batches`);
    }
    const figures = {
      batches,
      clientConcurrency,
      createdPerSecond: Number((batches / createSeconds).toFixed(1)),
      prunedPerSecond: Number((batches / pruneSeconds).toFixed(1)),
      blobsDeletedPerBatch: report.pruned[0]?.blobsDeleted,
    };
    if (json) console.log(JSON.stringify(figures));
    else {
      console.log(
        `created ${batches} one-card batches at ${figures.createdPerSecond}/s (${clientConcurrency} in flight)`,
      );
      console.log(`pruned them at ${figures.prunedPerSecond}/s`);
    }
  } finally {
    await azurite.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
