// A batch's progress: the batch record joined with its chunk results, with fresh SAS URLs for finished cards.
import { readJsonBlob } from "./blobJson";
import { mapWithLimit } from "../support";
import { BatchNotFoundError, storageCall } from "./errors";
import { isPastRenderDeadline } from "./expiry";
import { assertBatchId, blobNames } from "./layout";
import {
  batchRecordSchema,
  chunkResultSchema,
  type BatchRecord,
  type ChunkResult,
  type ItemError,
} from "./protocol";
import { createReadUrlSigner, sasWindow, type SasLimits } from "./sas";
import type { Settings } from "../settings";
import type { JobStorage } from "./storage";

export type ItemStatus =
  | { index: number; id: string; status: "pending" }
  | { index: number; id: string; status: "failed"; error: ItemError }
  | {
      index: number;
      id: string;
      status: "done";
      blob: string;
      contentType: string;
      bytes: number;
      width: number;
      height: number;
      warnings: string[];
      /** Read-only SAS URL (present when URLs were asked for). */
      url?: string;
    };

/** `expired`: cards are still pending but the batch is past its render deadline (jobs/expiry.ts); they never will be rendered. */
export type BatchState =
  "in_progress" | "succeeded" | "completed_with_errors" | "failed" | "expired";

export interface BatchStatus {
  batchId: string;
  state: BatchState;
  createdAt: string;
  /** When the batch is pruned: its images, record and results are deleted then. */
  expiresAt: string;
  metadata: Record<string, string>;
  total: number;
  done: number;
  failed: number;
  pending: number;
  items: ItemStatus[];
  /**
   * When the URLs in `items` stop working: never after `expiresAt` (a URL must not outlive its
   * blob). Absent when no URLs were asked for, or none were signed because the batch has expired.
   */
  urlsExpireAt?: string;
}

export interface StatusOptions {
  settings: Settings;
  /** Sign a read URL for every finished card (costs one delegation-key call with an identity). */
  withUrls?: boolean;
  /** Lifetime of those URLs instead of SAS_TTL_MINUTES (still capped at 7 days and the batch's expiry). */
  urlTtlMs?: number;
  now?: Date;
}

export async function readBatchRecord(storage: JobStorage, batchId: string): Promise<BatchRecord> {
  assertBatchId(batchId);
  const record = await readJsonBlob(
    storage.renders,
    blobNames.batchRecord(batchId),
    batchRecordSchema,
  );
  // A batch still being created (or whose creation failed) is not visible: it may never be complete.
  if (!record || record.creatingUntil) throw new BatchNotFoundError(batchId);
  return record;
}

/** The results of the chunks finished so far (one listing, then one read per finished chunk). */
async function readFinishedChunks(storage: JobStorage, batchId: string): Promise<ChunkResult[]> {
  const prefix = blobNames.chunkResultsPrefix(batchId);
  const blobs = await storageCall(`listing ${prefix}`, async () => {
    const found: string[] = [];
    for await (const blob of storage.renders.listBlobsFlat({ prefix })) found.push(blob.name);
    return found;
  });
  const results = await mapWithLimit(blobs, 16, (name) =>
    readJsonBlob(storage.renders, name, chunkResultSchema),
  );
  return results.filter((result): result is ChunkResult => result !== undefined);
}

function stateOf(done: number, failed: number, pending: number, pastDeadline: boolean): BatchState {
  if (pending > 0) return pastDeadline ? "expired" : "in_progress";
  if (failed === 0) return "succeeded";
  return done === 0 ? "failed" : "completed_with_errors";
}

export async function getBatchStatus(
  storage: JobStorage,
  batchId: string,
  options: StatusOptions,
): Promise<BatchStatus> {
  const record = await readBatchRecord(storage, batchId);
  const chunks = await readFinishedChunks(storage, batchId);
  const resultByIndex = new Map(
    chunks.flatMap((chunk) => chunk.items.map((item) => [item.index, item] as const)),
  );
  const now = options.now ?? new Date();
  const batchExpiry = new Date(record.expiresAt);
  const limits: SasLimits = {
    notAfter: batchExpiry,
    ...(options.urlTtlMs !== undefined ? { ttlMs: options.urlTtlMs } : {}),
  };
  // Past its expiry a batch only waits for the next prune run: a URL capped there is already dead.
  const sign =
    options.withUrls && batchExpiry.getTime() > now.getTime()
      ? await createReadUrlSigner(storage, options.settings, now, limits)
      : undefined;

  const items = await mapWithLimit(record.items, 32, async (entry): Promise<ItemStatus> => {
    const { index, id } = entry;
    if (entry.error) return { index, id, status: "failed", error: entry.error };
    const result = resultByIndex.get(index);
    if (!result) return { index, id, status: "pending" };
    if (result.status === "failed") return { index, id, status: "failed", error: result.error };
    const { blob, contentType, bytes, width, height, warnings } = result;
    return {
      index,
      id,
      status: "done",
      blob,
      contentType,
      bytes,
      width,
      height,
      warnings,
      ...(sign ? { url: await sign(blob) } : {}),
    };
  });
  const count = (status: ItemStatus["status"]) => items.filter((i) => i.status === status).length;
  const [done, failed, pending] = [count("done"), count("failed"), count("pending")];
  return {
    batchId,
    state: stateOf(done, failed, pending, isPastRenderDeadline(record.expiresAt, now)),
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    metadata: record.metadata,
    total: record.total,
    done,
    failed,
    pending,
    items,
    ...(sign
      ? { urlsExpireAt: sasWindow(options.settings, now, limits).expiresOn.toISOString() }
      : {}),
  };
}
