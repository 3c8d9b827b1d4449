// Deleting batches past their expiry (and abandoned creations): images, records, results, claim checks, asset pins, keys.
import type { ContainerClient } from "@azure/storage-blob";
import { unpinAssets } from "./assets";
import { markerKeyMetadata } from "./batchCreation";
import { CorruptDocumentError, readJsonBlob } from "./blobJson";
import { mapWithLimit } from "../support";
import { storageCall } from "./errors";
import { deleteIdempotencyRecord } from "./idempotency";
import { blobNames, parseExpiryMarker } from "./layout";
import { batchRecordSchema, type BatchRecord } from "./protocol";
import { pipeline } from "../settings";
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
  /** Creation markers of batches whose creation completed: only the marker was deleted. */
  staleMarkers: number;
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

/** The record if it can be read; a corrupt one is deleted with the rest. */
async function recordOf(storage: JobStorage, batchId: string): Promise<BatchRecord | undefined> {
  try {
    return await readJsonBlob(storage.renders, blobNames.batchRecord(batchId), batchRecordSchema);
  } catch (error) {
    if (error instanceof CorruptDocumentError) return undefined;
    throw error;
  }
}

interface DueMarker {
  marker: string;
  batchId: string;
  expiresAt: Date;
  keyHash: string | undefined;
}

/**
 * One marker: a batch past its expiry, or a creation marker (jobs/batchCreation.ts) whose batch
 * never committed, is deleted whole — pins first (only the record names them), then both
 * prefixes, the idempotency key, and the marker last, so a run cut short is finished by the next.
 * A creation marker of a committed batch is just removed.
 */
async function pruneOne(
  storage: JobStorage,
  due: DueMarker,
  now: Date,
): Promise<PrunedBatch | "stale-marker"> {
  const { marker, batchId, expiresAt, keyHash } = due;
  const record = await recordOf(storage, batchId);
  if (record && !record.creatingUntil && new Date(record.expiresAt).getTime() > now.getTime()) {
    await deleteIfPresent(storage.renders, marker);
    return "stale-marker";
  }
  const blobsDeleted =
    (record?.assets ? await unpinAssets(storage, record.assets) : 0) +
    (await deletePrefix(storage.renders, blobNames.batchPrefix(batchId))) +
    (await deletePrefix(storage.jobs, blobNames.batchPrefix(batchId))) +
    (keyHash && (await deleteIdempotencyRecord(storage, keyHash, batchId)) ? 1 : 0);
  await deleteIfPresent(storage.renders, marker);
  return { batchId, expiresAt: expiresAt.toISOString(), blobsDeleted };
}

/**
 * Walks the expiry markers (`renders/_expiry/<time>/<batchId>`, listed oldest first) up to
 * `limit` due ones and prunes `pipeline.pruneParallelBatches` batches at a time: a run keeps
 * up with batch creation (docs/reliability.md, "Assets and batch creation").
 */
export async function pruneExpiredBatches(
  storage: JobStorage,
  options: PruneOptions,
): Promise<PruneReport> {
  const now = options.now ?? new Date();
  const due: DueMarker[] = [];
  let more = false;
  await storageCall("listing expiry markers", async () => {
    for await (const blob of storage.renders.listBlobsFlat({
      prefix: blobNames.expiryPrefix,
      includeMetadata: true,
    })) {
      const marker = parseExpiryMarker(blob.name);
      if (!marker) continue;
      if (marker.expiresAt.getTime() > now.getTime()) break; // sorted: the rest is younger
      if (due.length === options.limit) {
        more = true;
        break;
      }
      const keyHash = blob.metadata?.[markerKeyMetadata];
      due.push({ marker: blob.name, ...marker, keyHash });
    }
  });
  const outcomes = await mapWithLimit(due, pipeline.pruneParallelBatches, (marker) =>
    pruneOne(storage, marker, now),
  );
  const pruned = outcomes.filter((outcome): outcome is PrunedBatch => outcome !== "stale-marker");
  return { pruned, more, staleMarkers: outcomes.length - pruned.length };
}
