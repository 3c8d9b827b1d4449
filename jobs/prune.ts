// Deleting batches past their expiry: images, records, chunk results and claim checks, bounded per run.
import type { ContainerClient } from "@azure/storage-blob";
import { mapWithLimit } from "./concurrency";
import { storageCall } from "./errors";
import { blobNames, parseExpiryMarker } from "./layout";
import { pipeline } from "./settings";
import type { JobStorage } from "./storage";

export interface PrunedBatch {
  batchId: string;
  expiresAt: string;
  blobsDeleted: number;
}

export interface PruneReport {
  pruned: PrunedBatch[];
  /** More expired batches remain than this run's limit allowed; the next run continues. */
  more: boolean;
}

export interface PruneOptions {
  /** Most batches deleted in this run (PRUNE_BATCH_LIMIT). */
  limit: number;
  now?: Date;
}

async function deleteIfPresent(container: ContainerClient, name: string): Promise<boolean> {
  const response = await storageCall(`deleting ${container.containerName}/${name}`, () =>
    container.getBlobClient(name).deleteIfExists(),
  );
  return response.succeeded;
}

/** Deletes every blob under `prefix`; blobs already gone (a parallel or earlier run) are fine. */
async function deletePrefix(container: ContainerClient, prefix: string): Promise<number> {
  const found = await storageCall(`listing ${container.containerName}/${prefix}`, async () => {
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat({ prefix })) names.push(blob.name);
    return names;
  });
  const deleted = await mapWithLimit(found, pipeline.pruneParallelDeletes, (name) =>
    deleteIfPresent(container, name),
  );
  return deleted.filter(Boolean).length;
}

/**
 * Walks the expiry markers (`renders/_expiry/<expiresAt>/<batchId>`, listed oldest first) and
 * deletes each expired batch, its marker last, so a run cut short is finished by the next one.
 */
export async function pruneExpiredBatches(
  storage: JobStorage,
  options: PruneOptions,
): Promise<PruneReport> {
  const now = options.now ?? new Date();
  const expired: { marker: string; batchId: string; expiresAt: Date }[] = [];
  let more = false;
  await storageCall("listing expiry markers", async () => {
    for await (const blob of storage.renders.listBlobsFlat({ prefix: blobNames.expiryPrefix })) {
      const marker = parseExpiryMarker(blob.name);
      if (!marker) continue;
      if (marker.expiresAt.getTime() > now.getTime()) break; // sorted: the rest is younger
      if (expired.length === options.limit) {
        more = true;
        break;
      }
      expired.push({ marker: blob.name, ...marker });
    }
  });
  const pruned: PrunedBatch[] = [];
  // One batch at a time keeps the work per run predictable; deletions inside a batch run in parallel.
  for (const { marker, batchId, expiresAt } of expired) {
    const blobsDeleted =
      (await deletePrefix(storage.renders, blobNames.batchPrefix(batchId))) +
      (await deletePrefix(storage.jobs, blobNames.batchPrefix(batchId)));
    await deleteIfPresent(storage.renders, marker);
    pruned.push({ batchId, expiresAt: expiresAt.toISOString(), blobsDeleted });
  }
  return { pruned, more };
}
