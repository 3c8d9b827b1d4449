// Where everything of a batch lives in blob storage: every blob name is built and checked here, and batch ids.
import { randomBytes } from "node:crypto";
import { cardId, type ImageFormat, limits, templateNamePattern } from "../renderer";
import { InvalidBatchIdError, InvalidBlobNameError } from "./errors";

/*
 * Container `renders`:
 *   <batchId>/_batch.json              batch record (written before any message is sent)
 *   <batchId>/_chunks/<chunk>.json     result of one chunk message (written last, marks it done)
 *   <batchId>/<itemId>.<ext>           rendered images
 *   _expiry/<expiresAt>/<batchId>      empty marker: listing `_expiry/` is ordered by expiry time
 * Container `jobs`:
 *   <batchId>/<chunk>.json             claim-check payload of a chunk message over the queue limit
 *   _idempotency/<sha256 of key>.json  an Idempotency-Key's batch (jobs/idempotency.ts), pruned with it
 * Container `templates` (jobs/templates.ts):
 *   versions/<sha256>.json             one template version: the canonical JSON of the validated
 *                                      document, named by its content hash; written create-only,
 *                                      never changed, never pruned (queued cards pin it)
 *   names/<name>.json                  a name's current version (pointer); `name` may hold "/"
 *                                      (`names/brand/quote.json`); replaced by each push
 * Container `og` (jobs/ogImages.ts; never pruned with batches, expired by last access):
 *   <cardKey>.<ext>                    the image of a signed card URL; cardKey is the SHA-256 of the
 *                                      card's canonical JSON (signing/), ext its format's
 *   locks/<cardKey>                    empty lock blob, leased while one instance renders the card
 * Item ids and batch ids start with a letter or digit, so no item collides with `_batch.json`.
 *
 * Names are built only from parts that passed their own check (batch id, item id, chunk number,
 * extension, expiry time), and every built name is checked again against this grammar: a name
 * that is not exactly one of these is refused before any storage call. The Storage SDK resolves
 * `.` and `..` segments on the client, so an unchecked `../../assets/x` would leave the container.
 */

const batchIdPattern = /^\d{8}-\d{6}-[0-9a-f]{10}$/;
const batchIdExpectation =
  'an id such as "20261123-120000-3f9a1c2b7d" as returned by POST /api/batches';

/** A new batch id: UTC creation time (sorts by age when listed) plus 40 random bits. */
export function createBatchId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").slice(0, 15).replace("T", "-");
  return `${stamp}-${randomBytes(5).toString("hex")}`;
}

export function isBatchId(value: string): boolean {
  return batchIdPattern.test(value);
}

export function assertBatchId(value: string): string {
  if (!isBatchId(value)) throw new InvalidBatchIdError(value, batchIdExpectation);
  return value;
}

/** An item id as the card schema accepts it: letters, digits, `.`, `_`, `-`, first a letter or digit, at most 128. */
export function isItemId(value: unknown): value is string {
  return cardId.safeParse(value).success;
}

/** Chunk numbers of a batch: one chunk per card at most. */
export const maxChunkNumber = limits.maxItemsPerBatch - 1;

export function isChunkNumber(value: unknown): value is number {
  return (
    Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= maxChunkNumber
  );
}

/**
 * File extensions of rendered images by format: renderer/encode.ts's `extensions`, repeated so that
 * naming blobs does not load the encoder (sharp); tests/jobs/layout.test.ts keeps the two equal.
 */
export const outputExtensionByFormat = {
  png: "png",
  jpeg: "jpg",
  webp: "webp",
  avif: "avif",
} as const satisfies Record<ImageFormat, string>;
const outputExtensions: readonly string[] = Object.values(outputExtensionByFormat);

export type LayoutContainer = "renders" | "jobs" | "templates" | "og";

/** Every blob the pipeline names, by its parts. */
export type LayoutBlob =
  | { kind: "batchRecord"; batchId: string }
  | { kind: "chunkResult"; batchId: string; chunk: number }
  | { kind: "output"; batchId: string; itemId: string; extension: string }
  | { kind: "expiryMarker"; expiresAt: Date; batchId: string }
  | { kind: "claimCheck"; batchId: string; chunk: number }
  | { kind: "templateVersion"; hash: string }
  | { kind: "templatePointer"; name: string }
  | { kind: "ogImage"; cardKey: string; extension: string }
  | { kind: "ogLock"; cardKey: string };

type BatchBlob = Exclude<
  LayoutBlob,
  { kind: "templateVersion" | "templatePointer" | "ogImage" | "ogLock" }
>;

const containerOf: Record<LayoutBlob["kind"], LayoutContainer> = {
  batchRecord: "renders",
  chunkResult: "renders",
  output: "renders",
  expiryMarker: "renders",
  claimCheck: "jobs",
  templateVersion: "templates",
  templatePointer: "templates",
  ogImage: "og",
  ogLock: "og",
};

const chunkName = (chunk: number) => String(chunk).padStart(4, "0");

function refuse(what: string, received: unknown, expected: string): never {
  const shown =
    typeof received === "string" ? JSON.stringify(received.slice(0, 120)) : String(received);
  throw new InvalidBlobNameError(`invalid ${what} ${shown} for a blob name: expected ${expected}`);
}

function checkedBatchId(batchId: string): string {
  return isBatchId(batchId) ? batchId : refuse("batch id", batchId, batchIdExpectation);
}

function checkedChunk(chunk: number): string {
  return isChunkNumber(chunk)
    ? chunkName(chunk)
    : refuse("chunk number", chunk, `an integer from 0 to ${maxChunkNumber}`);
}

/** A SHA-256 in lower-case hex: every content hash and card key the layout names. */
export const sha256HexPattern = /^[0-9a-f]{64}$/;

export function isSha256Hex(value: string): boolean {
  return sha256HexPattern.test(value);
}
const hashExpectation = "a SHA-256 content hash (64 lower-case hex digits)";

/** A stored template's name: the template schema's rule (`brand/quote`), so no "..", no "//", no URL. */
export function isTemplateName(value: string): boolean {
  return value.length <= limits.template.maxNameLength && templateNamePattern.test(value);
}

function templateBlobName(
  blob: Extract<LayoutBlob, { kind: "templateVersion" | "templatePointer" }>,
) {
  if (blob.kind === "templateVersion") {
    return isSha256Hex(blob.hash)
      ? `versions/${blob.hash}.json`
      : refuse("template version", blob.hash, hashExpectation);
  }
  return isTemplateName(blob.name)
    ? `names/${blob.name}.json`
    : refuse("template name", blob.name, 'a template name such as "brand/quote"');
}

const cardKeyExpectation =
  "a card key (SHA-256 of a card's canonical JSON, 64 lower-case hex digits)";

function ogBlobName(blob: Extract<LayoutBlob, { kind: "ogImage" | "ogLock" }>): string {
  const cardKey = isSha256Hex(blob.cardKey)
    ? blob.cardKey
    : refuse("card key", blob.cardKey, cardKeyExpectation);
  if (blob.kind === "ogLock") return `locks/${cardKey}`;
  const extension = outputExtensions.includes(blob.extension)
    ? blob.extension
    : refuse("extension", blob.extension, `one of ${outputExtensions.join(", ")}`);
  return `${cardKey}.${extension}`;
}

/** The one place a blob name is made: each part is checked, then the whole name. */
export function buildBlobName(blob: LayoutBlob): string {
  if (blob.kind === "templateVersion" || blob.kind === "templatePointer") {
    return assertLayoutName("templates", templateBlobName(blob));
  }
  if (blob.kind === "ogImage" || blob.kind === "ogLock") {
    return assertLayoutName("og", ogBlobName(blob));
  }
  return buildBatchBlobName(blob);
}

function buildBatchBlobName(blob: BatchBlob): string {
  const batchId = checkedBatchId(blob.batchId);
  let name: string;
  switch (blob.kind) {
    case "batchRecord":
      name = `${batchId}/_batch.json`;
      break;
    case "chunkResult":
      name = `${batchId}/_chunks/${checkedChunk(blob.chunk)}.json`;
      break;
    case "output": {
      const itemId = isItemId(blob.itemId)
        ? blob.itemId
        : refuse("item id", blob.itemId, "letters, digits, . _ - (first a letter or digit)");
      const extension = outputExtensions.includes(blob.extension)
        ? blob.extension
        : refuse("extension", blob.extension, `one of ${outputExtensions.join(", ")}`);
      name = `${batchId}/${itemId}.${extension}`;
      break;
    }
    case "expiryMarker": {
      const time = blob.expiresAt.getTime();
      if (Number.isNaN(time)) refuse("expiry time", String(blob.expiresAt), "a valid date");
      name = `_expiry/${blob.expiresAt.toISOString()}/${batchId}`;
      break;
    }
    case "claimCheck":
      name = `${batchId}/${checkedChunk(blob.chunk)}.json`;
      break;
  }
  assertLayoutName(containerOf[blob.kind], name);
  return name;
}

const isoPattern = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";
const grammar: Record<LayoutContainer, { kind: LayoutBlob["kind"]; pattern: RegExp }[]> = {
  renders: [
    { kind: "batchRecord", pattern: /^([^/]+)\/_batch\.json$/ },
    { kind: "chunkResult", pattern: /^([^/]+)\/_chunks\/(\d{4})\.json$/ },
    { kind: "output", pattern: /^([^/]+)\/([^/]+)\.([a-z]+)$/ },
    { kind: "expiryMarker", pattern: new RegExp(`^_expiry/(${isoPattern})/([^/]+)$`) },
  ],
  jobs: [{ kind: "claimCheck", pattern: /^([^/]+)\/(\d{4})\.json$/ }],
  templates: [
    { kind: "templateVersion", pattern: /^versions\/([^/]+)\.json$/ },
    { kind: "templatePointer", pattern: /^names\/(.+)\.json$/ },
  ],
  og: [
    { kind: "ogImage", pattern: /^([^/]+)\.([a-z]+)$/ },
    { kind: "ogLock", pattern: /^locks\/([^/]+)$/ },
  ],
};

function partsOf(kind: LayoutBlob["kind"], match: RegExpExecArray): LayoutBlob | undefined {
  const [, first = "", second = "", third = ""] = match;
  switch (kind) {
    case "batchRecord":
      return { kind, batchId: first };
    case "chunkResult":
    case "claimCheck":
      return { kind, batchId: first, chunk: Number(second) };
    case "output":
      return { kind, batchId: first, itemId: second, extension: third };
    case "expiryMarker":
      return { kind, expiresAt: new Date(first), batchId: second };
    case "templateVersion":
      return { kind, hash: first };
    case "templatePointer":
      return { kind, name: first };
    case "ogImage":
      return { kind, cardKey: first, extension: second };
    case "ogLock":
      return { kind, cardKey: first };
  }
}

/** Rebuilding from the parts must give the same name back: that is what "exactly" means. */
function sameWhenRebuilt(blob: LayoutBlob, name: string): boolean {
  if (blob.kind === "templateVersion") {
    return isSha256Hex(blob.hash) && name === `versions/${blob.hash}.json`;
  }
  if (blob.kind === "templatePointer") {
    return isTemplateName(blob.name) && name === `names/${blob.name}.json`;
  }
  if (blob.kind === "ogImage" || blob.kind === "ogLock") {
    const key = isSha256Hex(blob.cardKey);
    return blob.kind === "ogLock"
      ? key && name === `locks/${blob.cardKey}`
      : key &&
          outputExtensions.includes(blob.extension) &&
          name === `${blob.cardKey}.${blob.extension}`;
  }
  const batchOk = isBatchId(blob.batchId);
  switch (blob.kind) {
    case "batchRecord":
      return batchOk && name === `${blob.batchId}/_batch.json`;
    case "chunkResult":
      return (
        batchOk &&
        isChunkNumber(blob.chunk) &&
        name === `${blob.batchId}/_chunks/${chunkName(blob.chunk)}.json`
      );
    case "claimCheck":
      return (
        batchOk &&
        isChunkNumber(blob.chunk) &&
        name === `${blob.batchId}/${chunkName(blob.chunk)}.json`
      );
    case "output":
      return (
        batchOk &&
        isItemId(blob.itemId) &&
        outputExtensions.includes(blob.extension) &&
        name === `${blob.batchId}/${blob.itemId}.${blob.extension}`
      );
    case "expiryMarker":
      return (
        batchOk &&
        !Number.isNaN(blob.expiresAt.getTime()) &&
        name === `_expiry/${blob.expiresAt.toISOString()}/${blob.batchId}`
      );
  }
}

/** The one place a blob name is checked: its parts when it is exactly a name the layout defines, else undefined. */
export function parseBlobName(container: LayoutContainer, name: string): LayoutBlob | undefined {
  for (const { kind, pattern } of grammar[container]) {
    const match = pattern.exec(name);
    if (!match) continue;
    const blob = partsOf(kind, match);
    if (blob && sameWhenRebuilt(blob, name)) return blob;
  }
  return undefined;
}

/** Throws InvalidBlobNameError unless `name` is exactly a name the layout defines in `container`. */
export function assertLayoutName(container: LayoutContainer, name: string): string {
  if (!parseBlobName(container, name)) {
    refuse(`${container} blob name`, name, "a name jobs/layout.ts defines");
  }
  return name;
}

export const blobNames = {
  /** Listing prefix of one batch's blobs (in `renders` and in `jobs`). */
  batchPrefix: (batchId: string) => `${checkedBatchId(batchId)}/`,
  batchRecord: (batchId: string) => buildBlobName({ kind: "batchRecord", batchId }),
  chunkResultsPrefix: (batchId: string) => `${checkedBatchId(batchId)}/_chunks/`,
  chunkResult: (batchId: string, chunk: number) =>
    buildBlobName({ kind: "chunkResult", batchId, chunk }),
  output: (batchId: string, itemId: string, extension: string) =>
    buildBlobName({ kind: "output", batchId, itemId, extension }),
  claimCheck: (batchId: string, chunk: number) =>
    buildBlobName({ kind: "claimCheck", batchId, chunk }),
  expiryPrefix: "_expiry/",
  expiryMarker: (expiresAt: Date, batchId: string) =>
    buildBlobName({ kind: "expiryMarker", expiresAt, batchId }),
  /** In `jobs`; only ever built from a SHA-256 (jobs/idempotency.ts), never from client text. */
  idempotencyRecord: (keyHash: string) =>
    isSha256Hex(keyHash)
      ? `_idempotency/${keyHash}.json`
      : refuse("idempotency key hash", keyHash, "64 lower-case hex digits"),
  /** In `templates`: one immutable version, by its content hash. */
  templateVersion: (hash: string) => buildBlobName({ kind: "templateVersion", hash }),
  /** In `templates`: a name's current version. */
  templatePointer: (name: string) => buildBlobName({ kind: "templatePointer", name }),
  /** Listing prefix of every name's pointer in `templates` (a name prefix may follow). */
  templatePointersPrefix: "names/",
  /** In `og`: the image of a signed card URL, by its card key and extension. */
  ogImage: (cardKey: string, extension: string) =>
    buildBlobName({ kind: "ogImage", cardKey, extension }),
  /** In `og`: the lock blob whose metadata claims the card while one instance renders it. */
  ogLock: (cardKey: string) => buildBlobName({ kind: "ogLock", cardKey }),
  /** Listing prefix of the lock blobs in `og`. */
  ogLocksPrefix: "locks/",
} as const;

/** The template name of a pointer blob listed in `templates`; undefined for any other name. */
export function parseTemplatePointerName(blobName: string): string | undefined {
  const blob = parseBlobName("templates", blobName);
  return blob?.kind === "templatePointer" ? blob.name : undefined;
}

/** Reads `_expiry/<iso>/<batchId>` back; undefined for names that are not markers. */
export function parseExpiryMarker(name: string): { expiresAt: Date; batchId: string } | undefined {
  const blob = parseBlobName("renders", name);
  return blob?.kind === "expiryMarker"
    ? { expiresAt: blob.expiresAt, batchId: blob.batchId }
    : undefined;
}
