// Writing a planned batch so that it is visible only once complete: asset pins, markers, record, messages, commit, idempotency key.
import { pinAssets, unpinAssets, type AssetReference } from "./assets";
import { readJsonBlob, writeJsonBlob } from "./blobJson";
import { mapWithLimit } from "../support";
import { JobError, storageCall } from "./errors";
import {
  IdempotencyConflictError,
  IdempotencyKeyReuseError,
  readIdempotencyRecord,
  writeIdempotencyRecord,
  type IdempotencyRecord,
} from "./idempotency";
import { blobNames } from "./layout";
import { batchRecordSchema, type BatchRecord, type InlineChunk } from "./protocol";
import { names, pipeline, protocolVersion } from "../settings";
import type { JobStorage } from "./storage";

/** Expiry-marker metadata naming the batch's idempotency key (by hash), so the pruner deletes the key with the batch. */
export const markerKeyMetadata = "idempotencykey";

/** An idempotency key as enqueueBatch sees it: both hashes, never the client's text. */
export interface BatchKey {
  keyHash: string;
  requestHash: string;
}

export type KeyLookup<T> =
  /** The same request was answered before and its batch exists: answer the same again. */
  | { kind: "replay"; response: T }
  /** Create a batch; `previous` is the ETag of a stale record for this key (taken over by ETag). */
  | { kind: "create"; previous?: string };

/** Creation ran past the point where its batch could be pruned as abandoned: nothing may be committed. */
export class CreationTooSlowError extends JobError {
  override name = "CreationTooSlowError";
}

/** The record as committed: no `creatingUntil`. */
function committed(record: BatchRecord): BatchRecord {
  const rest = { ...record };
  delete rest.creatingUntil;
  return rest;
}

async function writeMarker(
  storage: JobStorage,
  at: Date,
  batchId: string,
  keyHash: string | undefined,
): Promise<void> {
  const marker = blobNames.expiryMarker(at, batchId);
  await storageCall(`writing ${names.containers.renders}/${marker}`, () =>
    storage.renders
      .getBlockBlobClient(marker)
      .uploadData(Buffer.alloc(0), keyHash ? { metadata: { [markerKeyMetadata]: keyHash } } : {}),
  );
}

/**
 * Makes a batch visible: its expiry marker, the record without `creatingUntil` (status then
 * shows it), and the creation marker's removal. Each step may be repeated; a replay of the
 * request that created the batch finishes a commit an earlier attempt could not.
 */
export async function commitBatch(
  storage: JobStorage,
  record: BatchRecord,
  keyHash: string | undefined,
): Promise<void> {
  await writeMarker(storage, new Date(record.expiresAt), record.batchId, keyHash);
  await writeJsonBlob(storage.renders, blobNames.batchRecord(record.batchId), committed(record));
  if (record.creatingUntil && record.creatingUntil !== record.expiresAt) {
    const early = blobNames.expiryMarker(new Date(record.creatingUntil), record.batchId);
    await storageCall(`deleting ${names.containers.renders}/${early}`, () =>
      storage.renders.getBlobClient(early).deleteIfExists(),
    );
  }
}

/**
 * What an Idempotency-Key already stands for. The same key with another request body throws
 * IdempotencyKeyReuseError; a key whose batch was created answers `replay` (after finishing that
 * batch's commit if its request failed in between); a key whose creation never finished (the
 * request failed), whose batch is gone, or that expired, is taken over by a new creation.
 */
export async function lookUpKey<T>(
  storage: JobStorage,
  key: BatchKey,
  now: Date,
): Promise<KeyLookup<T>> {
  const stored = await readIdempotencyRecord(storage, key.keyHash);
  if (!stored) return { kind: "create" };
  const { record, etag } = stored;
  const live = new Date(record.expiresAt).getTime() > now.getTime();
  if (live && record.requestSha256 !== key.requestHash) {
    throw new IdempotencyKeyReuseError(record.batchId);
  }
  if (!live || record.state !== "created") return { kind: "create", previous: etag };
  const batch = await readJsonBlob(
    storage.renders,
    blobNames.batchRecord(record.batchId),
    batchRecordSchema,
  );
  if (!batch) return { kind: "create", previous: etag };
  if (batch.creatingUntil) await commitBatch(storage, batch, key.keyHash);
  return { kind: "replay", response: record.response as T };
}

export interface BatchToWrite<T> {
  /** The record as planned, without pins or `creatingUntil` (added here). */
  record: BatchRecord;
  /** Where the cards name assets: each name is pinned once. */
  assetReferences: AssetReference[];
  /** Asset name → the ETag the caller uploaded: pin only that version (the CLI passes its uploads). */
  expectedAssets?: ReadonlyMap<string, string>;
  claimChecks: { blob: string; chunk: InlineChunk }[];
  messages: { chunk: number; text: string }[];
  /** The answer to the request, stored with the key for replays. */
  response: T;
  key?: BatchKey & { previous?: string };
}

/** When an unfinished creation may be pruned: creationDeadlineMinutes after creation, at most the batch's expiry. */
function creationDeadline(record: BatchRecord): Date {
  return new Date(
    Math.min(
      new Date(record.createdAt).getTime() + pipeline.creationDeadlineMinutes * 60_000,
      new Date(record.expiresAt).getTime(),
    ),
  );
}

/** The idempotency key's record in `state`; once created it carries the answer replays give. */
function keyRecord<T>(
  batch: BatchToWrite<T>,
  state: IdempotencyRecord["state"],
): IdempotencyRecord {
  return {
    v: protocolVersion,
    requestSha256: batch.key?.requestHash ?? "",
    batchId: batch.record.batchId,
    state,
    expiresAt: batch.record.expiresAt,
    ...(state === "created" ? { response: batch.response } : {}),
  };
}

/** Writes the key's record conditionally (on `etag`, or on absence); another writer in between throws IdempotencyConflictError. */
async function claimKey(
  storage: JobStorage,
  key: BatchKey,
  record: IdempotencyRecord,
  etag: string | undefined,
): Promise<string> {
  const written = await writeIdempotencyRecord(storage, key.keyHash, record, etag);
  if (written === undefined) throw new IdempotencyConflictError();
  return written;
}

/** Claim checks first, then the messages that may name them (8 in flight each). */
async function sendChunks<T>(storage: JobStorage, batch: BatchToWrite<T>): Promise<void> {
  const { batchId } = batch.record;
  await mapWithLimit(batch.claimChecks, 8, ({ blob, chunk }) =>
    writeJsonBlob(storage.jobs, blob, chunk),
  );
  await mapWithLimit(batch.messages, 8, ({ chunk, text }) =>
    storageCall(`sending chunk ${chunk} of ${batchId} to ${names.renderQueue}`, () =>
      storage.renderQueue.sendMessage(text),
    ),
  );
}

/** Throws CreationTooSlowError once the creation has run past the time its batch could still render in. */
function checkCreationTime(started: number, batchId: string): void {
  const usableMs =
    (pipeline.creationDeadlineMinutes - pipeline.renderStopsMinutesBeforeExpiry) * 60_000;
  if (performance.now() - started > usableMs) {
    throw new CreationTooSlowError(
      `creating batch ${batchId} took over ${usableMs / 60_000} minutes; it is abandoned and will be deleted`,
    );
  }
}

/**
 * Writes a batch so that no failure leaves it visible half made. Order:
 *  1. asset snapshots (a failure deletes those taken; a missing asset throws before anything else);
 *  2. the idempotency key's claim (conditional: a concurrent request with the key loses with 409);
 *  3. a creation marker at `creatingUntil` (the pruner's hook should anything below fail);
 *  4. the record with `creatingUntil` (workers can render, status answers "not found");
 *  5. claim checks, then the messages;
 *  6. the key's answer (conditional), then the commit (commitBatch).
 * A failure after 4 leaves an invisible batch that the pruner deletes at `creatingUntil`, pins
 * included; a retry with the same key creates a new batch (or, after 6, replays this one).
 */
export async function writeBatch<T>(storage: JobStorage, batch: BatchToWrite<T>): Promise<void> {
  const started = performance.now();
  const { batchId } = batch.record;
  const creatingUntil = creationDeadline(batch.record);
  const pins = await pinAssets(storage, batch.assetReferences, batch.expectedAssets);
  const key = batch.key;
  let recordWritten = false;
  try {
    const keyEtag = key
      ? await claimKey(storage, key, keyRecord(batch, "creating"), key.previous)
      : undefined;
    await writeMarker(storage, creatingUntil, batchId, key?.keyHash);
    const record: BatchRecord = {
      ...batch.record,
      creatingUntil: creatingUntil.toISOString(),
      // Always present (even empty) in new records: a card naming an unpinned asset is refused.
      assets: pins,
    };
    await writeJsonBlob(storage.renders, blobNames.batchRecord(batchId), record);
    recordWritten = true;
    await sendChunks(storage, batch);
    checkCreationTime(started, batchId);
    if (key && keyEtag !== undefined) {
      await claimKey(storage, key, keyRecord(batch, "created"), keyEtag);
    }
    await commitBatch(storage, record, key?.keyHash);
  } catch (error) {
    // Before the record exists nothing names the snapshots: delete them now (after, the pruner does).
    if (!recordWritten) await unpinAssets(storage, pins).catch(() => undefined);
    throw error;
  }
}
