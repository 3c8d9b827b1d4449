// Batch file in, batch record and chunk messages out: validation, chunking, claim checks, queueing.
import {
  type CardSpec,
  describeMs,
  effectiveQuality,
  estimateRenderMs,
  formatPath,
  outputSize,
  parseBatchFile,
  type ParsedBatch,
  type ParsedTemplate,
  SpecValidationError,
} from "../renderer";
import { assetFieldsOf, type AssetReference } from "./assets";
import { type BatchKey, type KeyLookup, lookUpKey, writeBatch } from "./batchCreation";
import { hashIdempotencyKey, hashRequest } from "./idempotency";
import { toItemError } from "./itemErrors";
import { blobNames, createBatchId } from "./layout";
import {
  encodeQueueMessage,
  type BatchRecord,
  type ChunkItem,
  type ChunkMessage,
  type InlineChunk,
  type ItemError,
} from "./protocol";
import { maxQueueMessageBytes, pipeline, protocolVersion, type Settings } from "../settings";
import { specHash } from "./specHash";
import type { JobStorage } from "./storage";
import { pinCardTemplates } from "./templatePins";

export interface EnqueueOptions {
  settings: Settings;
  /** Creation time (tests back-date batches to exercise pruning). */
  now?: Date;
  /** The id of a lone card without one (the CLI passes the file's name, as `render` does). */
  singleCardId?: string;
  /**
   * Idempotency-Key of the request: the same key with the same batch file answers the batch
   * created first (`replayed`), with another file throws IdempotencyKeyReuseError.
   */
  idempotencyKey?: string;
  /** Asset name → ETag the caller just uploaded: the batch pins exactly that version (else AssetChangedError). */
  expectedAssets?: ReadonlyMap<string, string>;
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
  /** True when an earlier request with the same idempotency key created this batch (nothing new was queued). */
  replayed?: boolean;
}

interface PlannedChunk {
  inline: InlineChunk;
  /** The text sent to the queue: the inline chunk, or a reference when that is too large. */
  queueText: string;
  claimCheck?: string;
}

/** How planChunks weighs cards: a chunk closes before its estimated render time passes the budget. */
export interface ChunkCostBudget {
  estimateMs: (item: ChunkItem) => number;
  maxChunkRenderMs: number;
}

/** Accepted cards, weighed by renderer/spec/cost.ts against pipeline.maxChunkRenderMs. */
export const chunkCostBudget: ChunkCostBudget = {
  estimateMs: (item) => estimateRenderMs(item.spec as CardSpec),
  maxChunkRenderMs: pipeline.maxChunkRenderMs,
};

/**
 * Splits accepted cards, in order, into chunk messages of at most `chunkSize` cards and, when
 * `cost` is given, at most `cost.maxChunkRenderMs` of estimated render time (a card estimated above
 * that alone still gets a chunk of its own). Chunks over the queue limit become claim checks.
 */
export function planChunks(
  batchId: string,
  items: InlineChunk["items"],
  chunkSize: number,
  cost?: ChunkCostBudget,
): PlannedChunk[] {
  const groups: ChunkItem[][] = [];
  let current: ChunkItem[] = [];
  let currentMs = 0;
  for (const item of items) {
    const itemMs = cost ? cost.estimateMs(item) : 0;
    const full =
      current.length >= chunkSize ||
      (cost !== undefined && currentMs + itemMs > cost.maxChunkRenderMs);
    if (current.length && full) {
      groups.push(current);
      current = [];
      currentMs = 0;
    }
    current.push(item);
    currentMs += itemMs;
  }
  if (current.length) groups.push(current);
  return groups.map((group, chunk) => {
    const inline: InlineChunk = { v: protocolVersion, type: "chunk", batchId, chunk, items: group };
    const queueText = encodeQueueMessage(inline);
    if (Buffer.byteLength(queueText) <= maxQueueMessageBytes) return { inline, queueText };
    const blob = blobNames.claimCheck(batchId, chunk);
    const ref: ChunkMessage = { v: protocolVersion, type: "chunk-ref", batchId, chunk, blob };
    return { inline, queueText: encodeQueueMessage(ref), claimCheck: blob };
  });
}

/**
 * Refuses a batch whose accepted cards together are estimated above MAX_BATCH_RENDER_SECONDS
 * (renderer/spec/cost.ts): one batch-level issue naming the total, the limit and the heaviest cards.
 */
export function checkBatchRenderBudget(
  accepted: readonly { index: number; spec: CardSpec }[],
  maxBatchRenderSeconds: number,
): void {
  const weighed = accepted.map((item) => ({
    index: item.index,
    spec: item.spec,
    ms: estimateRenderMs(item.spec),
  }));
  const totalMs = weighed.reduce((sum, item) => sum + item.ms, 0);
  if (totalMs <= maxBatchRenderSeconds * 1000) return;
  const heaviest = [...weighed]
    .sort((a, b) => b.ms - a.ms || a.index - b.index)
    .slice(0, 3)
    .map((item) => {
      const { width, height } = outputSize(item.spec);
      const quality = effectiveQuality(item.spec);
      return `items[${item.index}] ${describeMs(item.ms)} (${width}×${height} ${item.spec.format}${quality === undefined ? "" : ` at quality ${quality}`})`;
    });
  throw new SpecValidationError(
    [
      {
        path: "items",
        message: `the ${weighed.length.toLocaleString("en-US")} accepted cards are estimated at ${describeMs(totalMs)} of rendering in total, over the per-batch limit of ${maxBatchRenderSeconds.toLocaleString("en-US")} s (MAX_BATCH_RENDER_SECONDS); heaviest: ${heaviest.join(", ")}; split it into smaller batches, or lower size, scale or quality`,
      },
    ],
    "batch file",
  );
}

/** The key's hashes (never the client's text), or undefined without an Idempotency-Key. */
function batchKeyOf(batchFile: unknown, options: EnqueueOptions): BatchKey | undefined {
  if (options.idempotencyKey === undefined) return undefined;
  return {
    keyHash: hashIdempotencyKey(options.idempotencyKey),
    requestHash: hashRequest(batchFile, options.singleCardId),
  };
}

/** The batch's ttlHours within [pipeline.minTtlHours, MAX_TTL_HOURS], with a warning for each bound applied. */
function effectiveTtl(
  requested: number | undefined,
  settings: Settings,
): { ttlHours: number; warnings: string[] } {
  const warnings: string[] = [];
  let ttlHours = requested ?? settings.RETENTION_HOURS;
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
  return { ttlHours, warnings };
}

type AcceptedItem = { index: number; id: string; spec: CardSpec };

/**
 * Where the accepted cards name assets (`items[5].logo`, `items[5].params.avatar`, a template's
 * `items[5].template.fonts[0]`): each is pinned before anything is written.
 */
function assetReferencesOf(
  accepted: readonly AcceptedItem[],
  templates: ReadonlyMap<number, ParsedTemplate>,
): AssetReference[] {
  return accepted.flatMap((item) =>
    assetFieldsOf(item.spec, templates.get(item.index)).map(({ field, asset }) => ({
      path: formatPath(["items", item.index, field]),
      asset,
    })),
  );
}

/** The valid cards, to be queued, and the invalid ones with their item errors (they count as failed). */
function sortItems(items: ParsedBatch["items"]): {
  accepted: AcceptedItem[];
  rejected: EnqueuedBatch["rejected"];
} {
  return {
    accepted: items.flatMap((item) =>
      item.spec ? [{ index: item.index, id: item.id, spec: item.spec }] : [],
    ),
    rejected: items.flatMap((item) =>
      item.error ? [{ index: item.index, id: item.id, error: toItemError(item.error) }] : [],
    ),
  };
}

/**
 * Each item as the batch record lists it: its chunk and spec hash when accepted (the worker
 * renders a card only from a message carrying this exact spec), its error when rejected.
 */
function recordItems(
  items: ParsedBatch["items"],
  chunks: readonly PlannedChunk[],
  rejected: EnqueuedBatch["rejected"],
): BatchRecord["items"] {
  const chunkOf = new Map<number, number>();
  const hashOf = new Map<number, string>();
  for (const planned of chunks) {
    for (const item of planned.inline.items) {
      chunkOf.set(item.index, planned.inline.chunk);
      hashOf.set(item.index, specHash(item.spec));
    }
  }
  const rejectedByIndex = new Map(rejected.map((item) => [item.index, item.error]));
  return items.map((item) => {
    const chunk = chunkOf.get(item.index);
    const hash = hashOf.get(item.index);
    const error = rejectedByIndex.get(item.index);
    return {
      index: item.index,
      id: item.id,
      ...(chunk !== undefined ? { chunk } : {}),
      ...(hash !== undefined ? { specHash: hash } : {}),
      ...(error ? { error } : {}),
    };
  });
}

/**
 * Validates a batch file and queues it. Batch-level problems throw SpecValidationError; a valid card
 * naming an asset the `assets` container does not hold throws MissingAssetsError (every such
 * reference, nothing queued); invalid items are recorded as failed and the rest is rendered.
 * The assets are pinned and the writes ordered so that the batch becomes visible only once every
 * message is queued (jobs/batchCreation.ts).
 */
export async function enqueueBatch(
  storage: JobStorage,
  batchFile: unknown,
  options: EnqueueOptions,
): Promise<EnqueuedBatch> {
  const { settings } = options;
  const now = options.now ?? new Date();
  const parsed = parseBatchFile(batchFile, { singleCardId: options.singleCardId });
  const key = batchKeyOf(batchFile, options);
  const known = key ? await lookUpKey<EnqueuedBatch>(storage, key, now) : undefined;
  if (known?.kind === "replay") return { ...known.response, replayed: true };
  const { ttlHours, warnings } = effectiveTtl(parsed.ttlHours, settings);
  const expiresAt = new Date(now.getTime() + ttlHours * 3_600_000).toISOString();
  const batchId = createBatchId(now);

  const sorted = sortItems(parsed.items);
  // Stored templates pinned to their current version: a card whose template is unusable is refused.
  const pinned = await pinCardTemplates(storage, sorted.accepted);
  const accepted = pinned.accepted;
  const rejected = [...sorted.rejected, ...pinned.rejected].sort((a, b) => a.index - b.index);
  // Checked before anything is written, like every batch-level problem.
  checkBatchRenderBudget(accepted, settings.MAX_BATCH_RENDER_SECONDS);
  const chunks = planChunks(batchId, accepted, settings.CHUNK_SIZE, chunkCostBudget);
  const record: BatchRecord = {
    v: protocolVersion,
    batchId,
    createdAt: now.toISOString(),
    expiresAt,
    ttlHours,
    metadata: parsed.metadata,
    chunkSize: settings.CHUNK_SIZE,
    chunkCount: chunks.length,
    total: parsed.items.length,
    items: recordItems(parsed.items, chunks, rejected),
  };
  const response: EnqueuedBatch = {
    batchId,
    total: parsed.items.length,
    accepted: accepted.length,
    rejected,
    chunkCount: chunks.length,
    claimChecks: chunks.filter((planned) => planned.claimCheck).length,
    ttlHours,
    expiresAt,
    warnings,
  };
  await writeBatch(storage, {
    record,
    // Pinned before anything else is written: a missing one refuses the batch (writeBatch).
    assetReferences: assetReferencesOf(accepted, pinned.templates),
    ...(options.expectedAssets ? { expectedAssets: options.expectedAssets } : {}),
    claimChecks: chunks.flatMap((planned) =>
      planned.claimCheck ? [{ blob: planned.claimCheck, chunk: planned.inline }] : [],
    ),
    messages: chunks.map((planned) => ({ chunk: planned.inline.chunk, text: planned.queueText })),
    response,
    ...(key ? { key: { ...key, ...previousKeyRecord(known) } } : {}),
  });
  return response;
}

/** The ETag of a stale record for this key, which the new creation takes over. */
function previousKeyRecord(known: KeyLookup<EnqueuedBatch> | undefined): { previous?: string } {
  return known?.kind === "create" && known.previous ? { previous: known.previous } : {};
}
