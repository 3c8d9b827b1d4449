// The job protocol's documents: chunk queue messages (base64 JSON, versioned), batch records and chunk results.
import { z } from "zod";
import { protocolVersion } from "./settings";
import { UndecodableMessageError } from "./errors";

const version = z.literal(protocolVersion);
const index = z.int().min(0);

/** One card of a chunk: the merged, validated spec (the worker validates it again). */
export const chunkItemSchema = z.object({ index, id: z.string().min(1), spec: z.unknown() });
export type ChunkItem = z.infer<typeof chunkItemSchema>;

/** A chunk message that carries its cards. */
export const inlineChunkSchema = z.object({
  v: version,
  type: z.literal("chunk"),
  batchId: z.string().min(1),
  chunk: index,
  items: z.array(chunkItemSchema).min(1),
});
export type InlineChunk = z.infer<typeof inlineChunkSchema>;

/** A chunk message whose cards are in the `jobs` container (claim check: too big for the queue). */
export const chunkRefSchema = z.object({
  v: version,
  type: z.literal("chunk-ref"),
  batchId: z.string().min(1),
  chunk: index,
  /** Blob name in the `jobs` container holding an InlineChunk. */
  blob: z.string().min(1),
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
  items: z.array(
    z.object({
      index,
      id: z.string(),
      /** The chunk rendering this card; absent when the card was rejected at enqueue time. */
      chunk: index.optional(),
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
export type RenderedItem = z.infer<typeof renderedItemSchema>;

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

function looksLikeBase64(text: string): boolean {
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(text);
}

/** Turns whatever the trigger delivered (parsed JSON, JSON text, base64 text, bytes) into JSON. */
function toJson(raw: unknown): unknown {
  if (raw instanceof Uint8Array) return toJson(Buffer.from(raw).toString("utf8"));
  if (typeof raw !== "string") return raw;
  const text = raw.trim();
  // The host decodes base64 before the handler runs; raw base64 arrives only from other callers.
  const candidate = looksLikeBase64(text) ? Buffer.from(text, "base64").toString("utf8") : text;
  try {
    return JSON.parse(candidate);
  } catch {
    throw new UndecodableMessageError(
      `expected JSON (optionally base64-encoded), received text starting ${JSON.stringify(text.slice(0, 40))}`,
    );
  }
}

/** Validates a delivered message; unknown versions and shapes throw UndecodableMessageError. */
export function decodeChunkMessage(raw: unknown): ChunkMessage {
  const json = toJson(raw);
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new UndecodableMessageError(`expected a JSON object, received ${JSON.stringify(json)}`);
  }
  const declared = (json as { v?: unknown }).v;
  if (declared !== protocolVersion) {
    throw new UndecodableMessageError(
      `schema version ${JSON.stringify(declared)} is not supported (this worker reads v${protocolVersion})`,
    );
  }
  const parsed = chunkMessageSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new UndecodableMessageError(`not a chunk message (${fields.join("; ")})`);
  }
  return parsed.data;
}
