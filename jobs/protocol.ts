// The job protocol's documents: chunk queue messages (base64 JSON, versioned), batch records and chunk results.
import { z } from "zod";
import { limits } from "../renderer";
import { UndecodableMessageError, UntrustedMessageError } from "./errors";
import { blobNames, isBatchId, isChunkNumber, isItemId, maxChunkNumber } from "./layout";
import { maxChunkSize, protocolVersion } from "../settings";
import { isBase64 } from "../support";
import { specHash } from "./specHash";

const version = z.literal(protocolVersion);
const index = z.int().min(0);

/*
 * Queue messages are untrusted input: anyone holding a queue SAS (or a bug) can send one. Their
 * schemas are strict and bounded, every part that becomes a blob name is checked against the
 * layout's own rules, and verifyChunkAgainstRecord() then holds the chunk to its batch record.
 */
const messageBatchId = z.string().refine(isBatchId, {
  error: "expected a batch id such as 20261123-120000-3f9a1c2b7d",
});
const messageChunk = z.int().refine(isChunkNumber, {
  error: `expected a chunk number from 0 to ${maxChunkNumber}`,
});
const messageIndex = z
  .int()
  .min(0)
  .max(limits.maxItemsPerBatch - 1);
const messageItemId = z.string().refine(isItemId, {
  error: `expected an item id of letters, digits, ".", "_" or "-" starting with a letter or digit, at most ${limits.maxIdLength} characters`,
});

/** One card of a chunk: the merged, validated spec (the worker validates it again). */
export const chunkItemSchema = z.strictObject({
  index: messageIndex,
  id: messageItemId,
  spec: z.unknown(),
});
export type ChunkItem = z.infer<typeof chunkItemSchema>;

/** A chunk message that carries its cards. */
export const inlineChunkSchema = z
  .strictObject({
    v: version,
    type: z.literal("chunk"),
    batchId: messageBatchId,
    chunk: messageChunk,
    items: z.array(chunkItemSchema).min(1).max(maxChunkSize),
  })
  .superRefine((chunk, context) => {
    if (!Array.isArray(chunk.items)) return;
    const seenIndices = new Set<number>();
    const seenIds = new Set<string>();
    chunk.items.forEach((item, position) => {
      if (seenIndices.has(item.index) || seenIds.has(item.id)) {
        context.addIssue({
          code: "custom",
          path: ["items", position],
          message: `item index ${item.index} or id ${JSON.stringify(item.id)} appears twice`,
        });
      }
      seenIndices.add(item.index);
      seenIds.add(item.id);
    });
  });
export type InlineChunk = z.infer<typeof inlineChunkSchema>;

/** A chunk message whose cards are in the `jobs` container (claim check: too big for the queue). */
export const chunkRefSchema = z
  .strictObject({
    v: version,
    type: z.literal("chunk-ref"),
    batchId: messageBatchId,
    chunk: messageChunk,
    /** Blob name in the `jobs` container holding an InlineChunk: exactly blobNames.claimCheck(batchId, chunk). */
    blob: z.string().max(1024),
  })
  .superRefine((ref, context) => {
    // Refinements may run after a field failed: build the name only from parts that passed.
    if (!isBatchId(String(ref.batchId)) || !isChunkNumber(ref.chunk)) return;
    const expected = blobNames.claimCheck(ref.batchId, ref.chunk);
    if (ref.blob !== expected) {
      context.addIssue({
        code: "custom",
        path: ["blob"],
        message: `expected the claim check ${JSON.stringify(expected)} of this batch and chunk, received ${JSON.stringify(ref.blob.slice(0, 120))}`,
      });
    }
  });
export type ChunkRef = z.infer<typeof chunkRefSchema>;

export const chunkMessageSchema = z.discriminatedUnion("type", [inlineChunkSchema, chunkRefSchema]);
export type ChunkMessage = z.infer<typeof chunkMessageSchema>;

const itemErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ItemError = z.infer<typeof itemErrorSchema>;

/**
 * The version of an asset a batch renders: a snapshot of `assets/<name>` taken at enqueue time
 * (immutable; the name may be overwritten afterwards) and its ETag, checked on every read.
 */
export const assetPinSchema = z.object({ snapshot: z.string().min(1), etag: z.string().min(1) });
export type AssetPin = z.infer<typeof assetPinSchema>;

/** `renders/<batchId>/_batch.json`: what was asked, which chunk each card went to, what was rejected. */
export const batchRecordSchema = z.object({
  v: version,
  batchId: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  ttlHours: z.number().positive(),
  metadata: z.record(z.string(), z.string()),
  chunkSize: z.int().min(1),
  chunkCount: z.int().min(0),
  total: z.int().min(0),
  /**
   * Present while the batch is being created: until then status answers "not found", and past
   * this time the pruner deletes the batch if its creation never completed. Removed when the
   * last message is queued (jobs/enqueue.ts).
   */
  creatingUntil: z.iso.datetime().optional(),
  /** Asset name → the version pinned at enqueue. Absent in records written before pinning. */
  assets: z.record(z.string(), assetPinSchema).optional(),
  items: z.array(
    z.object({
      index,
      id: z.string(),
      /** The chunk rendering this card; absent when the card was rejected at enqueue time. */
      chunk: index.optional(),
      /**
       * specHash() of the card as queued: a chunk message must carry exactly this spec. Absent in
       * records written before it was pinned (their messages are held to indices and ids only).
       */
      specHash: z.string().optional(),
      error: itemErrorSchema.optional(),
    }),
  ),
});
export type BatchRecord = z.infer<typeof batchRecordSchema>;

const renderedItemSchema = z.object({
  index,
  id: z.string(),
  status: z.literal("ok"),
  blob: z.string(),
  contentType: z.string(),
  bytes: z.int().min(0),
  width: z.int(),
  height: z.int(),
  renderMs: z.number().min(0),
  warnings: z.array(z.string()),
});
const failedItemSchema = z.object({
  index,
  id: z.string(),
  status: z.literal("failed"),
  error: itemErrorSchema,
});
export const itemResultSchema = z.discriminatedUnion("status", [
  renderedItemSchema,
  failedItemSchema,
]);
export type ItemResult = z.infer<typeof itemResultSchema>;

/** `renders/<batchId>/_chunks/<chunk>.json`, written once every card of the chunk is settled. */
export const chunkResultSchema = z.object({
  v: version,
  batchId: z.string(),
  chunk: index,
  completedAt: z.iso.datetime(),
  items: z.array(itemResultSchema),
});
export type ChunkResult = z.infer<typeof chunkResultSchema>;

/** Queue text as the Functions host expects it by default (`messageEncoding: base64`). */
export function encodeQueueMessage(message: ChunkMessage): string {
  return Buffer.from(JSON.stringify(message), "utf8").toString("base64");
}

/** Our encoder writes UTF-8 only: bytes that are not valid UTF-8 are not a message of ours. */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function utf8Text(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new UndecodableMessageError(
      `expected UTF-8 JSON, received ${bytes.length} bytes that are not valid UTF-8`,
    );
  }
}

/**
 * Turns whatever the trigger delivered into JSON: bytes (the renderBatch trigger asks for
 * `dataType: binary`), or from other callers parsed JSON, JSON text or base64 text.
 */
function toJson(raw: unknown): unknown {
  if (raw instanceof Uint8Array) return toJson(utf8Text(raw));
  if (typeof raw !== "string") return raw;
  const text = raw.trim();
  // The host decodes base64 before the handler runs; raw base64 arrives only from other callers.
  const candidate = isBase64(text) ? utf8Text(Buffer.from(text, "base64")) : text;
  try {
    return JSON.parse(candidate);
  } catch {
    throw new UndecodableMessageError(
      `expected JSON (optionally base64-encoded), received text starting ${JSON.stringify(text.slice(0, 40))}`,
    );
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
}

/** Validates a delivered message; unknown versions and shapes throw UndecodableMessageError. */
export function decodeChunkMessage(raw: unknown): ChunkMessage {
  const json = toJson(raw);
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new UndecodableMessageError(
      `expected a JSON object, received ${JSON.stringify(json)?.slice(0, 80)}`,
    );
  }
  const declared = (json as { v?: unknown }).v;
  if (declared !== protocolVersion) {
    throw new UndecodableMessageError(
      `schema version ${JSON.stringify(declared)} is not supported (this worker reads v${protocolVersion})`,
    );
  }
  const parsed = chunkMessageSchema.safeParse(json);
  if (!parsed.success) {
    throw new UndecodableMessageError(`not a chunk message (${describeIssues(parsed.error)})`);
  }
  return parsed.data;
}

/**
 * Reads a claim check's content as untrusted as the message that named it: it must be an inline
 * chunk of the same batch and chunk. Throws UntrustedMessageError otherwise.
 */
export function decodeClaimCheck(ref: ChunkRef, json: unknown): InlineChunk {
  const parsed = inlineChunkSchema.safeParse(json);
  if (!parsed.success) {
    throw new UntrustedMessageError(
      ref.batchId,
      ref.chunk,
      `claim check ${ref.blob} is not a chunk (${describeIssues(parsed.error)})`,
    );
  }
  const inline = parsed.data;
  if (inline.batchId !== ref.batchId || inline.chunk !== ref.chunk) {
    throw new UntrustedMessageError(
      ref.batchId,
      ref.chunk,
      `claim check ${ref.blob} holds batch ${inline.batchId} chunk ${inline.chunk}`,
    );
  }
  return inline;
}

const describeItem = (item: { index: number; id: string }) =>
  `items[${item.index}] ${JSON.stringify(item.id)}`;

/**
 * Holds a chunk to its batch record, the one document the worker trusts: the chunk number exists,
 * the chunk is no larger than the batch's chunk size, and its cards are exactly the record's cards
 * of that chunk (same indices, ids and, where the record pins them, spec hashes, in order).
 * Throws UntrustedMessageError naming the first differences.
 */
export function verifyChunkAgainstRecord(chunk: InlineChunk, record: BatchRecord): void {
  const refuse = (reason: string): never => {
    throw new UntrustedMessageError(chunk.batchId, chunk.chunk, reason);
  };
  if (record.batchId !== chunk.batchId) {
    refuse(`the batch record belongs to batch ${record.batchId}`);
  }
  if (chunk.chunk >= record.chunkCount) {
    refuse(`the batch has ${record.chunkCount} chunk(s), numbered 0 to ${record.chunkCount - 1}`);
  }
  if (chunk.items.length > record.chunkSize) {
    refuse(
      `it carries ${chunk.items.length} cards; chunks of this batch hold at most ${record.chunkSize}`,
    );
  }
  const expected = record.items.filter((item) => item.chunk === chunk.chunk);
  const differences: string[] = [];
  const length = Math.max(expected.length, chunk.items.length);
  for (let position = 0; position < length && differences.length < 3; position++) {
    const want = expected[position];
    const got = chunk.items[position];
    if (!want || !got) {
      differences.push(
        want
          ? `${describeItem(want)} is missing`
          : `${describeItem(got as ChunkItem)} is not a card of this chunk`,
      );
    } else if (want.index !== got.index || want.id !== got.id) {
      differences.push(
        `expected ${describeItem(want)} at position ${position}, received ${describeItem(got)}`,
      );
    } else if (want.specHash !== undefined && want.specHash !== specHash(got.spec)) {
      differences.push(`${describeItem(got)} carries a spec other than the one queued`);
    }
  }
  if (differences.length) {
    refuse(
      `its cards do not match the batch record (${expected.length} card(s) expected, ${chunk.items.length} received): ${differences.join("; ")}`,
    );
  }
}
