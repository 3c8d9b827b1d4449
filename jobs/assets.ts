// The `assets` container: asset names, validating and storing uploads (idempotently), checking and loading by name.
import { createHash } from "node:crypto";
import { AssetError } from "../renderer/errors";
import { limits } from "../renderer/limits";
import {
  acceptedAssetFormats,
  decodeAssetPixels,
  type AssetFormat,
} from "../renderer/paint/images";
import type { AssetBytes } from "../renderer/render";
import { assetName, type CardSpec } from "../renderer/spec/schema";
import { formatPath } from "../renderer/spec/validate";
import { isNotFound, JobError, storageCall } from "./errors";
import { mapWithLimit } from "./concurrency";
import { names } from "./settings";
import type { JobStorage } from "./storage";

/** Content types the upload route accepts: exactly the formats the renderer decodes. */
export const assetContentTypes: readonly string[] = Object.values(acceptedAssetFormats);

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

/** The asset fields of a spec with the names they give. */
export function assetFieldsOf(spec: CardSpec): { field: "logo" | "background"; asset: string }[] {
  return (["logo", "background"] as const).flatMap((field) => {
    const asset = spec[field];
    return asset === undefined ? [] : [{ field, asset }];
  });
}

export interface CheckedAsset {
  format: AssetFormat;
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
    decoded = await decodeAssetPixels("asset", asset, bytes);
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

/** Blob metadata keys of a stored asset. */
const meta = { sha256: "sha256", width: "width", height: "height" } as const;

export interface StoredAsset extends CheckedAsset {
  name: string;
  bytes: number;
  sha256: string;
  /** created: new name; replaced: other bytes were stored under it; unchanged: these bytes already were (nothing written). */
  status: "created" | "replaced" | "unchanged";
}

/**
 * Validates and stores one asset under its name. Idempotent: the same bytes under the same name
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
  const checked = await checkAssetBytes(name, bytes, options.declaredType);
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
    return { ...stored, status: "unchanged" };
  }
  await storageCall(`writing ${where}`, () =>
    blob.uploadData(bytes, {
      blobHTTPHeaders: { blobContentType: checked.contentType },
      metadata: {
        [meta.sha256]: sha256,
        [meta.width]: String(checked.width),
        [meta.height]: String(checked.height),
      },
    }),
  );
  return { ...stored, status: existing ? "replaced" : "created" };
}

/** The names among `assets` that have no blob in the `assets` container (HEAD requests, 8 in flight). */
export async function findMissingAssets(
  storage: JobStorage,
  assets: Iterable<string>,
): Promise<Set<string>> {
  const unique = [...new Set(assets)];
  const present = await mapWithLimit(unique, 8, (asset) =>
    storageCall(`checking ${names.containers.assets}/${asset}`, () =>
      storage.assets.getBlobClient(asset).exists(),
    ),
  );
  return new Set(unique.filter((_, index) => !present[index]));
}

/** Throws MissingAssetsError naming every reference (`items[i].field`) whose asset is not stored. */
export async function requireAssets(
  storage: JobStorage,
  references: AssetReference[],
): Promise<void> {
  const missing = await findMissingAssets(
    storage,
    references.map((reference) => reference.asset),
  );
  if (missing.size) {
    throw new MissingAssetsError(references.filter((reference) => missing.has(reference.asset)));
  }
}

/** Loads the assets a spec names; `path` is where the spec sits (`["items", 5]`) for error messages. */
export type AssetLoader = (spec: CardSpec, path?: readonly PropertyKey[]) => Promise<AssetBytes>;

type Loaded =
  | { kind: "bytes"; bytes: Uint8Array }
  | { kind: "missing" }
  | { kind: "deleted" }
  | { kind: "too-large"; size: number };

/**
 * A loader that reads each asset once (a chunk's cards usually share a logo). Names come from the
 * validated spec (no URLs, no ".."), so nothing outside the container can be reached. Missing or
 * oversized assets throw AssetError naming the card's field (`items[5].logo`) and the blob looked
 * for (a permanent per-card failure); storage failures throw TransientStorageError.
 */
export function createAssetLoader(storage: JobStorage): AssetLoader {
  const cache = new Map<string, Promise<Loaded>>();
  const container = names.containers.assets;
  const load = async (asset: string): Promise<Loaded> => {
    const blob = storage.assets.getBlobClient(asset);
    let size: number;
    try {
      size = (await blob.getProperties()).contentLength ?? 0;
    } catch (error) {
      if (isNotFound(error)) return { kind: "missing" };
      return storageCall(`reading asset ${asset}`, () => Promise.reject(error));
    }
    if (size > limits.maxAssetBytes) return { kind: "too-large", size };
    try {
      // Exactly the size checked above: a blob that grew since is still read only that far.
      return { kind: "bytes", bytes: await blob.downloadToBuffer(0, size) };
    } catch (error) {
      if (isNotFound(error)) return { kind: "deleted" };
      return storageCall(`downloading asset ${asset}`, () => Promise.reject(error));
    }
  };
  const loadOnce = (asset: string): Promise<Loaded> => {
    let pending = cache.get(asset);
    if (!pending) {
      pending = load(asset);
      cache.set(asset, pending);
      // A transient failure must not stick: the next card (or redelivery) tries again.
      pending.catch(() => cache.delete(asset));
    }
    return pending;
  };
  // The error is built per card: cards sharing a missing logo each name their own field.
  const bytesOf = (loaded: Loaded, field: string, asset: string): Uint8Array => {
    const blob = `blob "${asset}" in container "${container}"`;
    switch (loaded.kind) {
      case "bytes":
        return loaded.bytes;
      case "missing":
        throw new AssetError(field, asset, `not found (no ${blob})`);
      case "deleted":
        throw new AssetError(field, asset, `${blob} was deleted while loading`);
      case "too-large":
        throw new AssetError(
          field,
          asset,
          `${blob} is ${loaded.size.toLocaleString("en-US")} bytes; expected at most ${limits.maxAssetBytes.toLocaleString("en-US")}`,
        );
    }
  };
  return async (spec, path = []) => {
    const entries = await Promise.all(
      assetFieldsOf(spec).map(async ({ field, asset }) => {
        const loaded = await loadOnce(asset);
        return [asset, bytesOf(loaded, formatPath([...path, field]), asset)] as const;
      }),
    );
    return new Map(entries);
  };
}
