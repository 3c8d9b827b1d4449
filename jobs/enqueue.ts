// Batch file in, batch record and chunk messages out: validation, chunking, claim checks, queueing.
import { formatPath, parseBatchFile } from "../renderer/spec/validate";
import { assetFieldsOf, requireAssets } from "./assets";
import { writeJsonBlob } from "./blobJson";
import { mapWithLimit } from "./concurrency";
import { storageCall } from "./errors";
import { toItemError } from "./itemErrors";
import { blobNames, createBatchId } from "./layout";
import {
  encodeQueueMessage,
  type BatchRecord,
  type ChunkMessage,
  type InlineChunk,
  type ItemError,
} from "./protocol";
import { maxQueueMessageBytes, names, pipeline, protocolVersion, type Settings } from "./settings";
import type { JobStorage } from "./storage";

export interface EnqueueOptions {
  settings: Settings;
  /** Creation time (tests back-date batches to exercise pruning). */
  now?: Date;
  /** The id of a lone card without one (the CLI passes the file's name, as `render` does). */
  singleCardId?: string;
}

export interface EnqueuedBatch {
  batchId: string;
  total: number;
  /** Cards queued for rendering. */
  accepted: number;
  /** Cards rejected up front (invalid spec); they count as failed in the status. */
  rejected: { index: number; id: string; error: ItemError }[];
  chunkCount: number;
  /** Chunk messages sent as a claim check (payload in the `jobs` container). */
  claimChecks: number;
  ttlHours: number;
  expiresAt: string;
  /** Notes for the caller, e.g. a ttlHours that was capped. */
  warnings: string[];
}

interface PlannedChunk {
  inline: InlineChunk;
  /** The text sent to the queue: the inline chunk, or a reference when that is too large. */
  queueText: string;
  claimCheck?: string;
}

/** Splits accepted cards into chunk messages; those over the queue limit become claim checks. */
export function planChunks(
  batchId: string,
  items: InlineChunk["items"],
  chunkSize: number,
): PlannedChunk[] {
  const planned: PlannedChunk[] = [];
  for (let start = 0, chunk = 0; start < items.length; start += chunkSize, chunk++) {
    const inline: InlineChunk = {
      v: protocolVersion,
      type: "chunk",
      batchId,
      chunk,
      items: items.slice(start, start + chunkSize),
    };
    const queueText = encodeQueueMessage(inline);
    if (Buffer.byteLength(queueText) <= maxQueueMessageBytes) {
      planned.push({ inline, queueText });
      continue;
    }
    const blob = blobNames.claimCheck(batchId, chunk);
    const ref: ChunkMessage = { v: protocolVersion, type: "chunk-ref", batchId, chunk, blob };
    planned.push({ inline, queueText: encodeQueueMessage(ref), claimCheck: blob });
  }
  return planned;
}

/**
 * Validates a batch file and queues it. Batch-level problems throw SpecValidationError; a valid card
 * naming an asset the `assets` container does not hold throws MissingAssetsError (every such
 * reference, nothing queued); invalid items are recorded as failed and the rest is rendered.
 * Order matters for pruning and workers:
 * expiry marker, then batch record and claim checks, then messages — so every message finds its
 * record and every stored batch has a marker.
 */
export async function enqueueBatch(
  storage: JobStorage,
  batchFile: unknown,
  options: EnqueueOptions,
): Promise<EnqueuedBatch> {
  const { settings } = options;
  const now = options.now ?? new Date();
  const parsed = parseBatchFile(batchFile, { singleCardId: options.singleCardId });
  const warnings: string[] = [];
  let ttlHours = parsed.ttlHours ?? settings.RETENTION_HOURS;
  if (ttlHours > settings.MAX_TTL_HOURS) {
    warnings.push(
      `ttlHours ${ttlHours} is above the maximum of ${settings.MAX_TTL_HOURS}; using ${settings.MAX_TTL_HOURS}`,
    );
    ttlHours = settings.MAX_TTL_HOURS;
  }
  if (ttlHours < pipeline.minTtlHours) {
    warnings.push(
      `ttlHours ${ttlHours} is below the minimum of ${pipeline.minTtlHours} (rendering stops ${pipeline.renderStopsMinutesBeforeExpiry} minutes before a batch expires); using ${pipeline.minTtlHours}`,
    );
    ttlHours = pipeline.minTtlHours;
  }
  const expiresAt = new Date(now.getTime() + ttlHours * 3_600_000);
  const batchId = createBatchId(now);

  const accepted = parsed.items.flatMap((item) =>
    item.spec ? [{ index: item.index, id: item.id, spec: item.spec }] : [],
  );
  // Checked before anything is written: such a batch would be accepted only to fail card by card.
  await requireAssets(
    storage,
    accepted.flatMap((item) =>
      assetFieldsOf(item.spec).map(({ field, asset }) => ({
        path: formatPath(["items", item.index, field]),
        asset,
      })),
    ),
  );
  const rejected = parsed.items.flatMap((item) =>
    item.error ? [{ index: item.index, id: item.id, error: toItemError(item.error) }] : [],
  );
  const chunks = planChunks(batchId, accepted, settings.CHUNK_SIZE);
  const chunkOf = new Map<number, number>();
  for (const planned of chunks) {
    for (const item of planned.inline.items) chunkOf.set(item.index, planned.inline.chunk);
  }
  const rejectedByIndex = new Map(rejected.map((item) => [item.index, item.error]));
  const record: BatchRecord = {
    v: protocolVersion,
    batchId,
    createdAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
    ttlHours,
    metadata: parsed.metadata,
    chunkSize: settings.CHUNK_SIZE,
    chunkCount: chunks.length,
    total: parsed.items.length,
    items: parsed.items.map((item) => {
      const chunk = chunkOf.get(item.index);
      const error = rejectedByIndex.get(item.index);
      return {
        index: item.index,
        id: item.id,
        ...(chunk !== undefined ? { chunk } : {}),
        ...(error ? { error } : {}),
      };
    }),
  };

  const marker = blobNames.expiryMarker(expiresAt, batchId);
  await storageCall(`writing ${names.containers.renders}/${marker}`, () =>
    storage.renders.getBlockBlobClient(marker).uploadData(Buffer.alloc(0)),
  );
  await writeJsonBlob(storage.renders, blobNames.batchRecord(batchId), record);
  await mapWithLimit(
    chunks.filter((planned) => planned.claimCheck),
    8,
    (planned) => writeJsonBlob(storage.jobs, planned.claimCheck as string, planned.inline),
  );
  await mapWithLimit(chunks, 8, (planned) =>
    storageCall(`sending chunk ${planned.inline.chunk} of ${batchId} to ${names.renderQueue}`, () =>
      storage.renderQueue.sendMessage(planned.queueText),
    ),
  );

  return {
    batchId,
    total: parsed.items.length,
    accepted: accepted.length,
    rejected,
    chunkCount: chunks.length,
    claimChecks: chunks.filter((planned) => planned.claimCheck).length,
    ttlHours,
    expiresAt: expiresAt.toISOString(),
    warnings,
  };
}
