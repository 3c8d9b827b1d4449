// Idempotency keys of batch creation: one small record per key in the `jobs` container, claimed and committed by ETag.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { z } from "zod";
import { JobError, isLostRace, isNotFound, storageCall } from "./errors";
import { blobNames } from "./layout";
import { names, pipeline, protocolVersion } from "../settings";
import type { JobStorage } from "./storage";

/** HTTP header carrying the key (the IETF httpapi draft's name, as Stripe and others use it). */
export const idempotencyKeyHeader = "Idempotency-Key";

/** Visible ASCII, 1 to 255 characters: a UUID or any client-chosen token fits. */
const keyPattern = /^[\x21-\x7e]{1,255}$/;

/** The key itself is unusable (empty, too long, not visible ASCII). */
export class InvalidIdempotencyKeyError extends JobError {
  override name = "InvalidIdempotencyKeyError";
  constructor(received: string) {
    super(
      `invalid ${idempotencyKeyHeader} ${JSON.stringify(received.slice(0, 40))}${received.length > 40 ? "…" : ""} (${received.length} characters): expected 1 to 255 visible ASCII characters, e.g. a UUID`,
    );
  }
}

/** The key was used before with another body: refusing it protects the first request's batch. */
export class IdempotencyKeyReuseError extends JobError {
  override name = "IdempotencyKeyReuseError";
  constructor(readonly batchId: string) {
    super(
      `${idempotencyKeyHeader} was already used for batch ${batchId} with a different request body; use a new key for a new batch`,
    );
  }
}

/** Another request with the same key took over while this one was creating its batch. */
export class IdempotencyConflictError extends JobError {
  override name = "IdempotencyConflictError";
  constructor() {
    super(
      `another request with the same ${idempotencyKeyHeader} is creating this batch; retry it to get that request's answer`,
    );
  }
}

export function checkIdempotencyKey(key: string): string {
  if (!keyPattern.test(key)) throw new InvalidIdempotencyKeyError(key);
  return key;
}

/** Keys are stored by hash: any client text becomes a fixed, safe blob name. */
export const hashIdempotencyKey = (key: string): string =>
  createHash("sha256").update(checkIdempotencyKey(key), "utf8").digest("hex");

/** What "the same request" means: the same JSON (and the same lone-card id), byte for byte once re-serialised. */
export const hashRequest = (batchFile: unknown, singleCardId?: string): string =>
  createHash("sha256")
    .update(JSON.stringify([batchFile, singleCardId ?? null]), "utf8")
    .digest("hex");

const keyRecordSchema = z.object({
  v: z.literal(protocolVersion),
  requestSha256: z.string(),
  batchId: z.string(),
  /** creating: a request is (or was, before it failed) creating batchId; created: its answer is below. */
  state: z.enum(["creating", "created"]),
  /** The key lives as long as its batch: the pruner deletes it with the batch. */
  expiresAt: z.iso.datetime(),
  /** The body answered with 202, replayed to every later request with this key. */
  response: z.unknown().optional(),
});
export type IdempotencyRecord = z.infer<typeof keyRecordSchema>;

export interface StoredKey {
  record: IdempotencyRecord;
  etag: string;
}

/** One GET (record and ETag of the same version); undefined when the key is unknown or unreadable. */
export async function readIdempotencyRecord(
  storage: JobStorage,
  keyHash: string,
): Promise<StoredKey | undefined> {
  const name = blobNames.idempotencyRecord(keyHash);
  const where = `${names.containers.jobs}/${name}`;
  return storageCall(`reading ${where}`, async () => {
    let response;
    try {
      response = await storage.jobs.getBlobClient(name).download(0);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    const body = response.readableStreamBody;
    if ((response.contentLength ?? 0) > pipeline.maxDocumentBytes) {
      if (body instanceof Readable) body.on("error", () => undefined).destroy();
      return undefined;
    }
    const parts: Buffer[] = [];
    for await (const part of body ?? []) {
      parts.push(typeof part === "string" ? Buffer.from(part, "utf8") : part);
    }
    let json: unknown;
    try {
      json = JSON.parse(Buffer.concat(parts).toString("utf8"));
    } catch {
      return undefined;
    }
    const parsed = keyRecordSchema.safeParse(json);
    // An unreadable record is treated as unknown: the next write replaces it (by ETag).
    return parsed.success && response.etag
      ? { record: parsed.data, etag: response.etag }
      : undefined;
  });
}

/**
 * Writes the key's record only if storage still holds `previous` (its ETag), or nothing when
 * `previous` is undefined. Returns the new ETag, or undefined when another request wrote first.
 */
export async function writeIdempotencyRecord(
  storage: JobStorage,
  keyHash: string,
  record: IdempotencyRecord,
  previous: string | undefined,
): Promise<string | undefined> {
  const name = blobNames.idempotencyRecord(keyHash);
  const body = Buffer.from(JSON.stringify(record), "utf8");
  return storageCall(`writing ${names.containers.jobs}/${name}`, async () => {
    try {
      const written = await storage.jobs.getBlockBlobClient(name).uploadData(body, {
        blobHTTPHeaders: { blobContentType: "application/json" },
        conditions: previous ? { ifMatch: previous } : { ifNoneMatch: "*" },
      });
      return written.etag ?? "";
    } catch (error) {
      if (isLostRace(error)) return undefined;
      throw error;
    }
  });
}

/** Deletes the key's record if it still names `batchId` (a key taken over by a later batch stays). */
export async function deleteIdempotencyRecord(
  storage: JobStorage,
  keyHash: string,
  batchId: string,
): Promise<boolean> {
  const stored = await readIdempotencyRecord(storage, keyHash);
  if (!stored || stored.record.batchId !== batchId) return false;
  const name = blobNames.idempotencyRecord(keyHash);
  return storageCall(`deleting ${names.containers.jobs}/${name}`, async () => {
    try {
      await storage.jobs.getBlobClient(name).delete({ conditions: { ifMatch: stored.etag } });
      return true;
    } catch (error) {
      if (isNotFound(error) || isLostRace(error)) return false;
      throw error;
    }
  });
}
