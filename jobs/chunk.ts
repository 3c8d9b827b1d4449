// Rendering one chunk message: each card to its blob (idempotently), then the chunk's result document.
import {
  type CardSpec,
  estimateRenderMs,
  extensions,
  parseCardSpec,
  type ParsedTemplate,
  renderCard,
  withTemplateSize,
  type RenderedCard,
} from "../renderer";
import type { BlobItem } from "@azure/storage-blob";
import { createAssetLoader, type AssetLoader } from "./assets";
import { z } from "zod";
import { CorruptDocumentError, readJsonBlob, writeJsonBlob } from "./blobJson";
import { mapWithLimit } from "../support";
import { cardDeadlineMs, withDeadline } from "./deadline";
import { UntrustedMessageError, storageCall } from "./errors";
import { isPastRenderDeadline } from "./expiry";
import { itemFailure, toItemError } from "./itemErrors";
import { blobNames } from "./layout";
import { consoleLogger, type JobLogger } from "./logger";
import { renderCost, sharedRenderGate, type RenderGate } from "./renderGate";
import {
  batchRecordSchema,
  chunkResultSchema,
  decodeChunkMessage,
  decodeClaimCheck,
  verifyChunkAgainstRecord,
  type ChunkItem,
  type ChunkMessage,
  type ChunkResult,
  type InlineChunk,
  type ItemResult,
} from "./protocol";
import { names, pipeline, protocolVersion, readSettings, type Settings } from "../settings";
import { specHash } from "./specHash";
import type { JobStorage } from "./storage";
import { templateForCard } from "./templatePins";

export type ChunkOutcome =
  | { kind: "rendered"; batchId: string; chunk: number; ok: number; failed: number }
  /** The chunk's result already exists: a duplicate or late redelivery, nothing to do. */
  | { kind: "already-done"; batchId: string; chunk: number }
  /** The batch record is gone (pruned): rendering would recreate blobs nobody will prune. */
  | { kind: "batch-gone"; batchId: string; chunk: number }
  /** The batch expires too soon for this chunk to finish before pruning (jobs/expiry.ts). */
  | { kind: "batch-expiring"; batchId: string; chunk: number; expiresAt: string };

export interface ChunkOptions {
  settings: Settings;
  log?: JobLogger;
  /**
   * How often the queue has delivered this message (trigger metadata `dequeueCount`). On the first
   * delivery no earlier attempt can have left outputs, so the lookup of finished cards is skipped;
   * a concurrent duplicate copy at worst renders the same bytes again.
   */
  dequeueCount?: number;
  /** The current time (tests set it). */
  now?: Date;
  /** A card's render deadline in ms (default: cardDeadlineMs with `settings`; tests set a tiny one). */
  cardDeadlineMs?: (spec: CardSpec) => number;
}

/**
 * Reads a claim-checked chunk back from the `jobs` container. The name is rebuilt from the
 * message's validated batch id and chunk (decodeChunkMessage refused any other name); a claim
 * check that is missing, corrupt or of another chunk is refused at once: no retry can fix it.
 */
async function resolveChunk(storage: JobStorage, message: ChunkMessage): Promise<InlineChunk> {
  if (message.type === "chunk") return message;
  const { batchId, chunk } = message;
  const name = blobNames.claimCheck(batchId, chunk);
  let json: unknown;
  try {
    json = await readJsonBlob(storage.jobs, name, z.unknown());
  } catch (error) {
    if (!(error instanceof CorruptDocumentError)) throw error;
    throw new UntrustedMessageError(batchId, chunk, `claim check unreadable: ${error.message}`);
  }
  if (json === undefined) {
    throw new UntrustedMessageError(
      batchId,
      chunk,
      `claim check ${names.containers.jobs}/${name} does not exist`,
    );
  }
  return decodeClaimCheck(message, json);
}

/** Metadata keys on each output blob (lower case: metadata names must be identifiers). */
const meta = {
  batchId: "batchid",
  itemId: "itemid",
  specHash: "spechash",
  width: "width",
  height: "height",
  renderMs: "renderms",
  warnings: "warnings",
} as const;

/** Warnings travel as base64 JSON (metadata must be ASCII); dropped if they would bloat metadata. */
function encodeWarnings(warnings: string[]): string | undefined {
  if (!warnings.length) return undefined;
  const encoded = Buffer.from(JSON.stringify(warnings), "utf8").toString("base64");
  return encoded.length <= 2048 ? encoded : undefined;
}

function decodeWarnings(encoded: string | undefined): string[] {
  if (!encoded) return [];
  try {
    const parsed: unknown = JSON.parse(Buffer.from(encoded, "base64").toString("utf8"));
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

/** What a previous delivery left: output blobs by name, with their properties and metadata. */
export type ExistingOutputs = ReadonlyMap<string, BlobItem>;

/**
 * One listing per chunk instead of one lookup per card: a first delivery finds nothing, a
 * redelivery finds the cards it already finished.
 */
export async function listExistingOutputs(
  storage: JobStorage,
  batchId: string,
): Promise<ExistingOutputs> {
  const prefix = blobNames.batchPrefix(batchId);
  return storageCall(`listing ${names.containers.renders}/${prefix}`, async () => {
    const found = new Map<string, BlobItem>();
    for await (const blob of storage.renders.listBlobsFlat({ prefix, includeMetadata: true })) {
      found.set(blob.name, blob);
    }
    return found;
  });
}

/** The output of a previous delivery, if it rendered exactly this spec. */
function reuseExisting(
  item: ChunkItem,
  existing: ExistingOutputs,
  blobName: string,
  hash: string,
): ItemResult | undefined {
  const blob = existing.get(blobName);
  const metadata = blob?.metadata ?? {};
  if (!blob || metadata[meta.specHash] !== hash) return undefined;
  return {
    index: item.index,
    id: item.id,
    status: "ok",
    blob: blobName,
    contentType: blob.properties.contentType ?? "application/octet-stream",
    bytes: blob.properties.contentLength ?? 0,
    width: Number(metadata[meta.width] ?? 0),
    height: Number(metadata[meta.height] ?? 0),
    renderMs: Number(metadata[meta.renderMs] ?? 0),
    warnings: decodeWarnings(metadata[meta.warnings]),
  };
}

const failed = (item: ChunkItem, error: unknown): ItemResult => ({
  index: item.index,
  id: item.id,
  status: "failed",
  error: toItemError(error),
});

/**
 * Renders a card inside the render gate and within its deadline. Assets are loaded inside the
 * gate, so a card waiting for memory holds none of their bytes; the deadline counts from when the
 * render starts (jobs/deadline.ts).
 */
function renderWithinLimits(
  spec: CardSpec,
  item: ChunkItem,
  loadAssets: AssetLoader,
  gate: RenderGate,
  deadlineMs: number,
  template: ParsedTemplate | undefined,
): Promise<RenderedCard> {
  // A card of a template of its own without a size has its template's: cost and memory by it.
  const sized = withTemplateSize(spec, template?.document.size);
  return withDeadline(deadlineMs, estimateRenderMs(sized), (startClock) =>
    gate.run(renderCost(sized), async () => {
      const assets = await loadAssets(sized, ["items", item.index], template);
      startClock();
      return renderCard(sized, assets, undefined, template);
    }),
  );
}

/** Writes a rendered card to its blob, with the metadata a redelivery reuses it by (`reuseExisting`). */
async function writeOutput(
  storage: JobStorage,
  batchId: string,
  item: ChunkItem,
  hash: string,
  rendered: RenderedCard,
): Promise<ItemResult> {
  const blobName = blobNames.output(batchId, item.id, rendered.extension);
  const renderMs = Math.round((rendered.drawMs + rendered.encodeMs) * 10) / 10;
  const warnings = encodeWarnings(rendered.warnings);
  await storageCall(`writing ${names.containers.renders}/${blobName}`, () =>
    storage.renders.getBlockBlobClient(blobName).uploadData(rendered.bytes, {
      blobHTTPHeaders: {
        blobContentType: rendered.contentType,
        blobCacheControl: pipeline.outputCacheControl,
      },
      metadata: {
        [meta.batchId]: batchId,
        [meta.itemId]: item.id,
        [meta.specHash]: hash,
        [meta.width]: String(rendered.width),
        [meta.height]: String(rendered.height),
        [meta.renderMs]: String(renderMs),
        ...(warnings ? { [meta.warnings]: warnings } : {}),
      },
    }),
  );
  return {
    index: item.index,
    id: item.id,
    status: "ok",
    blob: blobName,
    contentType: rendered.contentType,
    bytes: rendered.bytes.length,
    width: rendered.width,
    height: rendered.height,
    renderMs,
    warnings: rendered.warnings,
  };
}

/**
 * Renders one card of a chunk to `renders/<batchId>/<itemId>.<ext>`. If a previous delivery already
 * wrote this exact spec (same hash in the blob's metadata, see `existing`), it is reused, not re-rendered:
 * that is what lets a redelivered chunk finish only the rest. Permanent problems (invalid spec,
 * missing or oversized asset, a renderer failure) become a failed result; storage failures throw
 * (jobs/itemErrors.ts decides which is which).
 */
export async function renderChunkItem(
  storage: JobStorage,
  batchId: string,
  item: ChunkItem,
  loadAssets: AssetLoader,
  existing: ExistingOutputs,
  log: JobLogger = consoleLogger,
  gate: RenderGate = sharedRenderGate(),
  deadlineMs: (spec: CardSpec) => number = (spec) => cardDeadlineMs(spec, readSettings()),
): Promise<ItemResult> {
  let spec: CardSpec;
  try {
    spec = parseCardSpec(item.spec, ["items", item.index]);
  } catch (error) {
    return failed(item, error);
  }
  const hash = specHash(spec);
  const output = blobNames.output(batchId, item.id, extensions[spec.format]);
  const previous = reuseExisting(item, existing, output, hash);
  if (previous) return previous;

  let rendered: RenderedCard;
  try {
    // The version pinned at enqueue (spec.templateVersion, covered by the spec hash), read once per process.
    const template = await templateForCard(storage, spec, ["items", item.index]);
    rendered = await renderWithinLimits(spec, item, loadAssets, gate, deadlineMs(spec), template);
  } catch (error) {
    const failure = itemFailure(error);
    if (failure === "retry") throw error;
    if (failure === "unexpected") {
      log.error(`renderBatch ${batchId}: rendering ${item.id} failed unexpectedly`, error);
    }
    return failed(item, error);
  }
  return writeOutput(storage, batchId, item, hash, rendered);
}

/**
 * Handles one delivery of a chunk message (at least once: duplicates and redeliveries are safe).
 * Throws RejectedMessageError for messages no retry can fix (undecodable, or not matching their
 * batch record: jobs/protocol.ts), TransientStorageError for storage failures (the host retries,
 * then poisons); records per-card failures in the result.
 */
export async function processChunkMessage(
  storage: JobStorage,
  raw: unknown,
  options: ChunkOptions,
): Promise<ChunkOutcome> {
  const log = options.log ?? consoleLogger;
  const message = decodeChunkMessage(raw);
  const { batchId, chunk } = message;
  const record = await readJsonBlob(
    storage.renders,
    blobNames.batchRecord(batchId),
    batchRecordSchema,
  );
  // Enqueue writes the record before any message, so a missing record means the batch was pruned.
  if (!record) return { kind: "batch-gone", batchId, chunk };
  // An inline chunk is held to its record before anything else is read or written.
  if (message.type === "chunk") verifyChunkAgainstRecord(message, record);
  // A batch still being created is pruned at creatingUntil if its creation never completes.
  if (isPastRenderDeadline(record.creatingUntil ?? record.expiresAt, options.now ?? new Date())) {
    return { kind: "batch-expiring", batchId, chunk, expiresAt: record.expiresAt };
  }
  const resultName = blobNames.chunkResult(batchId, chunk);
  const previous = await storageCall(`checking ${names.containers.renders}/${resultName}`, () =>
    storage.renders.getBlobClient(resultName).exists(),
  );
  if (previous) return { kind: "already-done", batchId, chunk };

  const inline = await resolveChunk(storage, message);
  if (message.type === "chunk-ref") verifyChunkAgainstRecord(inline, record);
  // The versions pinned at enqueue: an asset overwritten since does not change this batch.
  const loadAssets = createAssetLoader(storage, record.assets);
  const firstDelivery = options.dequeueCount === 1;
  const existing = firstDelivery ? new Map() : await listExistingOutputs(storage, batchId);
  const gate = sharedRenderGate(options.settings);
  const deadlineMs =
    options.cardDeadlineMs ?? ((spec: CardSpec) => cardDeadlineMs(spec, options.settings));
  const items = await mapWithLimit(inline.items, options.settings.RENDER_CONCURRENCY, (item) =>
    renderChunkItem(storage, batchId, item, loadAssets, existing, log, gate, deadlineMs),
  );
  const result: ChunkResult = {
    v: protocolVersion,
    batchId,
    chunk,
    completedAt: new Date().toISOString(),
    items,
  };
  // Written last: its presence means every card of the chunk is settled.
  await writeJsonBlob(storage.renders, resultName, result);
  const failedCount = items.filter((item) => item.status === "failed").length;
  return { kind: "rendered", batchId, chunk, ok: items.length - failedCount, failed: failedCount };
}

/** Reads a chunk's result; undefined while the chunk is still pending. */
export function readChunkResult(
  storage: JobStorage,
  batchId: string,
  chunk: number,
): Promise<ChunkResult | undefined> {
  return readJsonBlob(storage.renders, blobNames.chunkResult(batchId, chunk), chunkResultSchema);
}
