// The `assets` container: asset names, storing uploads (idempotently), pinning versions for batches, loading them.
import { createHash } from "node:crypto";
import type { BlobClient } from "@azure/storage-blob";
import {
  acceptedAssetFormats,
  type AssetBytes,
  AssetError,
  type AssetFormat,
  assetName,
  type CardSpec,
  checkAssetImage,
  checkFontFile,
  fontContentTypes,
  FontFileError,
  type FontFormat,
  formatPath,
  limits,
  maxAssetBytesOf,
  type ParsedTemplate,
  templateAssetFields,
  type TemplateAssetField,
} from "../renderer";
import { readBodyUpTo } from "./blobBody";
import { isNotFound, isRestError, JobError, storageCall } from "./errors";
import { mapWithLimit } from "../support";
import type { AssetPin } from "./protocol";
import { names } from "../settings";
import type { JobStorage } from "./storage";

/** Content types of brand font files (IANA `font/*`): an upload declared as one is a font. */
const fontTypes: readonly string[] = Object.values(fontContentTypes);

/** Content types the upload route accepts: the image formats the renderer decodes, then brand fonts. */
export const assetContentTypes: readonly string[] = [
  ...Object.values(acceptedAssetFormats),
  ...fontTypes,
];

/**
 * Whether a declared media type (lower case, no parameters) is a brand font's: it decides both the
 * checks (checkFontAssetBytes) and the byte limit (maxAssetBytesOf("font")).
 */
export const isFontType = (contentType: string | undefined): boolean =>
  contentType !== undefined && fontTypes.includes(contentType);

/** An asset name that breaks the naming rule (the spec schema's `assetName`, the one rule). */
export class InvalidAssetNameError extends JobError {
  override name = "InvalidAssetNameError";
  constructor(reason: string) {
    super(`invalid asset name: ${reason}`);
  }
}

/** Bytes offered as an asset that the renderer would refuse (not an image, truncated, too many pixels…). */
export class InvalidAssetError extends JobError {
  override name = "InvalidAssetError";
  constructor(
    readonly asset: string,
    message: string,
  ) {
    super(message);
  }
}

/** Where a spec names an asset, e.g. `items[5].logo`, and the name it gives. */
export interface AssetReference {
  path: string;
  asset: string;
}

/** A batch names assets that are not in the `assets` container: nothing was queued. */
export class MissingAssetsError extends JobError {
  override name = "MissingAssetsError";
  readonly missing: string[];
  constructor(readonly references: AssetReference[]) {
    const missing = [...new Set(references.map((reference) => reference.asset))];
    const shown = missing
      .slice(0, 10)
      .map((asset) => JSON.stringify(asset))
      .join(", ");
    super(
      `${missing.length === 1 ? "asset" : `${missing.length} assets`} not found in the "${names.containers.assets}" container: ${shown}${missing.length > 10 ? `, and ${missing.length - 10} more` : ""}; upload ${missing.length === 1 ? "it" : "them"} first (PUT /api/assets/<name>, or cardpress enqueue with the files next to the batch file)`,
    );
    this.missing = missing;
  }
}

/** Throws InvalidAssetNameError unless `name` follows the rule specs follow (relative, no "..", no URL). */
export function checkAssetName(name: string): string {
  const parsed = assetName.safeParse(name, { reportInput: true });
  if (!parsed.success) {
    throw new InvalidAssetNameError(
      parsed.error.issues.map((issue) => issue.message).join("; ") ||
        `expected at most ${limits.maxAssetNameLength} characters`,
    );
  }
  return parsed.data;
}

/** Where a card names an asset (`logo`, `params.avatar`, `template.fonts[0]`), the name, and what it must be. */
export type AssetField = TemplateAssetField;

const isAssetName = (value: string) => assetName.safeParse(value).success;

/**
 * The asset fields of a spec (and of its template, when it has one) with the names they give,
 * each name valid by the asset naming rule: storage is never asked for another
 * (invalidAssetFieldsOf lists those, so that the card can be refused).
 */
export function assetFieldsOf(spec: CardSpec, template?: ParsedTemplate): AssetField[] {
  const own = (["logo", "background"] as const).flatMap((field): AssetField[] => {
    const asset = spec[field];
    return asset === undefined ? [] : [{ field, asset, kind: "image" }];
  });
  const fromTemplate = template ? templateAssetFields(template.document, spec.params) : [];
  return [...own, ...fromTemplate.filter((entry) => isAssetName(entry.asset))];
}

/** Template-made asset references that break the asset naming rule (a `../x` or a URL): the card must be refused. */
export function invalidAssetFieldsOf(spec: CardSpec, template: ParsedTemplate): AssetField[] {
  return templateAssetFields(template.document, spec.params).filter(
    (entry) => !isAssetName(entry.asset),
  );
}

export interface CheckedAsset {
  /** An image format, or a brand font's (width and height are then 0). */
  format: AssetFormat | FontFormat;
  contentType: string;
  width: number;
  height: number;
}

/**
 * The renderer's own validation (size, format, declared pixels, a complete decode), so an asset
 * accepted here is one the worker can draw. With `declaredType`, the bytes must be of that type.
 */
export async function checkAssetBytes(
  asset: string,
  bytes: Uint8Array,
  declaredType?: string,
): Promise<CheckedAsset> {
  let decoded;
  try {
    // Decoded completely (a truncated file fails) but kept as one pixel: an upload of a 5000² PNG
    // no longer holds ~95 MiB of pixels while it is checked.
    decoded = await checkAssetImage("asset", asset, bytes);
  } catch (error) {
    if (error instanceof AssetError) throw new InvalidAssetError(asset, error.message);
    throw error;
  }
  const contentType = acceptedAssetFormats[decoded.format];
  if (declaredType !== undefined && declaredType !== contentType) {
    throw new InvalidAssetError(
      asset,
      `asset "${asset}": sent as ${declaredType} but the bytes are ${decoded.format.toUpperCase()}; send Content-Type ${contentType}`,
    );
  }
  return { format: decoded.format, contentType, width: decoded.width, height: decoded.height };
}

/**
 * A brand font file checked as the renderer checks it (renderer/fonts/brandFontFile.ts: size,
 * format by its first bytes, container and tables), so a font accepted here is one a template can
 * use. With `declaredType`, the bytes must be of that type.
 */
export async function checkFontAssetBytes(
  asset: string,
  bytes: Uint8Array,
  declaredType?: string,
): Promise<CheckedAsset> {
  let format: FontFormat;
  try {
    format = checkFontFile(bytes, `font "${asset}"`).format;
  } catch (error) {
    if (error instanceof FontFileError) throw new InvalidAssetError(asset, error.message);
    throw error;
  }
  const contentType = fontContentTypes[format];
  if (declaredType !== undefined && declaredType !== contentType) {
    throw new InvalidAssetError(
      asset,
      `asset "${asset}": sent as ${declaredType} but the bytes are ${format.toUpperCase()}; send Content-Type ${contentType}`,
    );
  }
  return { format, contentType, width: 0, height: 0 };
}

/** Blob metadata keys of a stored asset. */
const meta = { sha256: "sha256", width: "width", height: "height" } as const;

export interface StoredAsset extends CheckedAsset {
  name: string;
  bytes: number;
  sha256: string;
  /** created: new name; replaced: other bytes were stored under it; unchanged: these bytes already were (nothing written). */
  status: "created" | "replaced" | "unchanged";
  /** ETag of the stored version: enqueue pins exactly this version (pinAssets' `expected`). */
  etag: string;
}

/**
 * Validates and stores one asset under its name: an image, or a brand font when `declaredType` is
 * one of fontContentTypes. Idempotent: the same bytes under the same name
 * write nothing the second time (the SHA-256 in the blob's metadata says so) and answer
 * `unchanged`; other bytes replace the asset (`replaced`). Invalid names or bytes throw before
 * storage is touched.
 */
export async function storeAsset(
  storage: JobStorage,
  name: string,
  bytes: Uint8Array,
  options: { declaredType?: string } = {},
): Promise<StoredAsset> {
  checkAssetName(name);
  const checked = isFontType(options.declaredType)
    ? await checkFontAssetBytes(name, bytes, options.declaredType)
    : await checkAssetBytes(name, bytes, options.declaredType);
  return writeCheckedAsset(storage, name, bytes, checked);
}

/** The storing half of storeAsset, for bytes checkAssetBytes already accepted (the CLI checks all first). */
export async function writeCheckedAsset(
  storage: JobStorage,
  name: string,
  bytes: Uint8Array,
  checked: CheckedAsset,
): Promise<StoredAsset> {
  checkAssetName(name);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const blob = storage.assets.getBlockBlobClient(name);
  const where = `${names.containers.assets}/${name}`;
  const existing = await storageCall(`reading ${where}`, async () => {
    try {
      return await blob.getProperties();
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  });
  const stored = { name, ...checked, bytes: bytes.byteLength, sha256 };
  if (
    existing?.metadata?.[meta.sha256] === sha256 &&
    existing.contentType === checked.contentType
  ) {
    return { ...stored, status: "unchanged", etag: existing.etag ?? "" };
  }
  const written = await storageCall(`writing ${where}`, () =>
    blob.uploadData(bytes, {
      blobHTTPHeaders: { blobContentType: checked.contentType },
      metadata: {
        [meta.sha256]: sha256,
        [meta.width]: String(checked.width),
        [meta.height]: String(checked.height),
      },
    }),
  );
  return { ...stored, status: existing ? "replaced" : "created", etag: written.etag ?? "" };
}

/** Assets changed under their name after the caller stored them (another writer): nothing was queued. */
export class AssetChangedError extends JobError {
  override name = "AssetChangedError";
  constructor(readonly assets: string[]) {
    super(
      `${assets.length === 1 ? "asset" : "assets"} ${assets.map((asset) => JSON.stringify(asset)).join(", ")} in the "${names.containers.assets}" container changed after ${assets.length === 1 ? "it was" : "they were"} uploaded (another writer replaced ${assets.length === 1 ? "it" : "them"}); nothing was queued: upload again and enqueue again`,
    );
  }
}

type PinAttempt =
  | { kind: "pinned"; asset: string; pin: AssetPin }
  | { kind: "missing"; asset: string }
  | { kind: "changed"; asset: string }
  | { kind: "failed"; asset: string; error: unknown };

const snapshotClient = (storage: JobStorage, asset: string, pin: AssetPin): BlobClient =>
  storage.assets.getBlobClient(asset).withSnapshot(pin.snapshot);

/**
 * Pins the version of every asset the references name, so that what a batch renders is fixed at
 * enqueue time: one snapshot per distinct name (8 in flight), a single request that copies no
 * data. A snapshot is immutable and keeps the content and metadata the name had at that instant;
 * overwriting or deleting the name later does not touch it. With `expected` (name → the ETag the
 * caller just wrote), a snapshot is taken only of that version: another writer's bytes under the
 * same name in between throw AssetChangedError. Missing names throw MissingAssetsError naming
 * every reference. On any failure the snapshots already taken are deleted (best effort).
 */
export async function pinAssets(
  storage: JobStorage,
  references: AssetReference[],
  expected: ReadonlyMap<string, string> = new Map(),
): Promise<Record<string, AssetPin>> {
  const unique = [...new Set(references.map((reference) => reference.asset))];
  const attempts = await mapWithLimit(unique, 8, async (asset): Promise<PinAttempt> => {
    const etag = expected.get(asset);
    try {
      const taken = await storage.assets
        .getBlobClient(asset)
        .createSnapshot(etag ? { conditions: { ifMatch: etag } } : {});
      if (!taken.snapshot || !taken.etag) {
        throw new JobError(
          `snapshot of ${names.containers.assets}/${asset}: no snapshot id or ETag in the response`,
        );
      }
      return { kind: "pinned", asset, pin: { snapshot: taken.snapshot, etag: taken.etag } };
    } catch (error) {
      if (isNotFound(error)) return { kind: "missing", asset };
      if (isRestError(error) && error.statusCode === 412) return { kind: "changed", asset };
      return { kind: "failed", asset, error };
    }
  });
  const pins: Record<string, AssetPin> = {};
  for (const attempt of attempts) if (attempt.kind === "pinned") pins[attempt.asset] = attempt.pin;
  const problems = attempts.filter((attempt) => attempt.kind !== "pinned");
  if (!problems.length) return pins;
  await unpinAssets(storage, pins).catch(() => undefined);
  const failure = problems.find((attempt) => attempt.kind === "failed");
  if (failure) {
    return storageCall(`pinning ${names.containers.assets}/${failure.asset}`, () =>
      Promise.reject(failure.error),
    );
  }
  const missing = new Set(problems.filter((p) => p.kind === "missing").map((p) => p.asset));
  if (missing.size) {
    throw new MissingAssetsError(references.filter((reference) => missing.has(reference.asset)));
  }
  throw new AssetChangedError(problems.map((problem) => problem.asset));
}

/** Deletes the snapshots of `pins` (a pruned batch's, or a failed creation's); already gone is fine. */
export async function unpinAssets(
  storage: JobStorage,
  pins: Readonly<Record<string, AssetPin>>,
): Promise<number> {
  const deleted = await mapWithLimit(Object.entries(pins), 8, ([asset, pin]) =>
    storageCall(
      `deleting the pinned version ${pin.snapshot} of ${names.containers.assets}/${asset}`,
      async () => (await snapshotClient(storage, asset, pin).deleteIfExists()).succeeded,
    ),
  );
  return deleted.filter(Boolean).length;
}

/**
 * Loads the assets a spec (and its template: fonts, image params) names; `path` is where the spec
 * sits (`["items", 5]`) for error messages.
 */
export type AssetLoader = (
  spec: CardSpec,
  path?: readonly PropertyKey[],
  template?: ParsedTemplate,
) => Promise<AssetBytes>;

type Loaded =
  | { kind: "bytes"; bytes: Uint8Array }
  | { kind: "missing" }
  | { kind: "too-large"; size: number; limit: number }
  | { kind: "unpinned" }
  | { kind: "pin-gone"; pin: AssetPin };

/**
 * One GET, so the bytes are one version of the blob (a size read first and the bytes read after
 * could belong to two versions). The declared length is checked before the body is read, and
 * the body is cut off past the limit whatever the header said.
 */
async function downloadAsset(
  blob: BlobClient,
  pin: AssetPin | undefined,
  maxBytes: number,
): Promise<Loaded> {
  let response;
  try {
    response = await blob.download(0, undefined, pin ? { conditions: { ifMatch: pin.etag } } : {});
  } catch (error) {
    if (isNotFound(error)) return pin ? { kind: "pin-gone", pin } : { kind: "missing" };
    // A deleted snapshot answers 404 in Azure and 412 (the ETag check) in Azurite: gone either way.
    if (pin && isRestError(error) && error.statusCode === 412) return { kind: "pin-gone", pin };
    throw error;
  }
  const read = await readBodyUpTo(response, maxBytes);
  if ("tooLarge" in read) return { kind: "too-large", size: read.tooLarge, limit: maxBytes };
  return { kind: "bytes", bytes: read.bytes };
}

/**
 * The bytes of a loaded asset, or the AssetError for the card field that named it. The error is
 * built per card: cards sharing a missing logo each name their own field.
 */
function assetBytes(loaded: Loaded, field: string, asset: string): Uint8Array {
  const blob = `blob "${asset}" in container "${names.containers.assets}"`;
  switch (loaded.kind) {
    case "bytes":
      return loaded.bytes;
    case "missing":
      throw new AssetError(field, asset, `not found (no ${blob})`);
    case "too-large":
      throw new AssetError(
        field,
        asset,
        `${blob} is ${loaded.size.toLocaleString("en-US")} bytes; expected at most ${loaded.limit.toLocaleString("en-US")}`,
      );
    case "unpinned":
      throw new AssetError(
        field,
        asset,
        `not one of the assets this batch pinned when it was created`,
      );
    case "pin-gone":
      throw new AssetError(
        field,
        asset,
        `the version of ${blob} pinned when the batch was created (snapshot ${loaded.pin.snapshot}, ETag ${loaded.pin.etag}) no longer exists`,
      );
  }
}

/**
 * `load` called once per asset name and kind (the kind sets the size limit) while it succeeds; a
 * failure is forgotten, so the next card (or redelivery) tries again.
 */
function loadingOnce(
  load: (asset: string, kind: AssetField["kind"]) => Promise<Loaded>,
): (asset: string, kind: AssetField["kind"]) => Promise<Loaded> {
  const cache = new Map<string, Promise<Loaded>>();
  return (asset, kind) => {
    const key = `${kind}:${asset}`;
    let pending = cache.get(key);
    if (!pending) {
      pending = load(asset, kind);
      cache.set(key, pending);
      pending.catch(() => cache.delete(key));
    }
    return pending;
  };
}

/**
 * A loader that reads each asset once (a chunk's cards usually share a logo). Names come from the
 * validated spec (no URLs, no ".."), so nothing outside the container can be reached. With `pins`
 * (a batch record's), every asset is read from the version pinned at enqueue, checked by ETag,
 * and an asset the batch did not pin is refused; without (a synchronous render), the current
 * version is read. Missing or oversized assets throw AssetError naming the card's field
 * (`items[5].logo`) and the blob looked for (a permanent per-card failure); storage failures
 * throw TransientStorageError.
 */
export function createAssetLoader(
  storage: JobStorage,
  pins?: Readonly<Record<string, AssetPin>>,
): AssetLoader {
  const pinned = pins ? new Map(Object.entries(pins)) : undefined;
  const loadOnce = loadingOnce(async (asset, kind) => {
    const pin = pinned?.get(asset);
    if (pinned && !pin) return { kind: "unpinned" };
    const blob = storage.assets.getBlobClient(asset);
    return storageCall(`reading asset ${asset}`, () =>
      downloadAsset(pin ? blob.withSnapshot(pin.snapshot) : blob, pin, maxAssetBytesOf(kind)),
    );
  });
  return async (spec, path = [], template) => {
    const entries = await Promise.all(
      assetFieldsOf(spec, template).map(async ({ field, asset, kind }) => {
        const loaded = await loadOnce(asset, kind);
        return [asset, assetBytes(loaded, formatPath([...path, field]), asset)] as const;
      }),
    );
    return new Map(entries);
  };
}
