// Uploading local files as assets: every file checked as the worker would first, then written; unchanged ones are not written again.
import fs from "node:fs";
import {
  checkAssetBytes,
  checkFontAssetBytes,
  type CheckedAsset,
  InvalidAssetError,
  type JobStorage,
  writeCheckedAsset,
} from "../jobs";
import { maxAssetBytesOf } from "../renderer";
import { UserError } from "./errors";

/** A local file to store under an asset name. */
export interface LocalAssetFile {
  name: string;
  /** The file, absolute. */
  file: string;
  kind: "image" | "font";
}

export interface AssetUpload {
  /** Asset names stored from local files (written, or already in storage with the same bytes). */
  uploaded: string[];
  /** Of `uploaded`, those storage already held byte for byte: nothing was written. */
  unchanged: string[];
  /** Of `uploaded`, names under which storage held other bytes: replaced (batches queued before keep their pinned version). */
  replaced: string[];
  /** ETag of each uploaded name's stored version: a batch pins exactly these. */
  etags: Map<string, string>;
  /** Names with no local file: the asset already in storage is used (enqueue fails if there is none). */
  missing: string[];
}

export const emptyUpload = (): AssetUpload => ({
  uploaded: [],
  unchanged: [],
  replaced: [],
  etags: new Map(),
  missing: [],
});

/** The renderer's own checks for each kind (a complete image decode; a font's tables). */
const checkers = { image: checkAssetBytes, font: checkFontAssetBytes } as const;

const fixFor = {
  image: "a PNG, JPEG, WebP or GIF image",
  font: "a TTF, OTF, WOFF or WOFF2 font",
} as const;

/**
 * Checks every file (size before reading, then the worker's own checks) and only then writes them:
 * one unusable file is a UserError naming each such file, and nothing is uploaded. A file that is
 * not there is listed in `missing` (the caller decides whether storage may hold it).
 */
export async function uploadLocalAssets(
  storage: JobStorage,
  files: readonly LocalAssetFile[],
): Promise<AssetUpload> {
  const upload = emptyUpload();
  const problems: string[] = [];
  const kinds = new Set<LocalAssetFile["kind"]>();
  const local: { name: string; bytes: Buffer; checked: CheckedAsset }[] = [];
  const seen = new Set<string>();
  for (const { name, file, kind } of files) {
    if (seen.has(name)) continue;
    seen.add(name);
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile()) {
      upload.missing.push(name);
      continue;
    }
    if (stat.size > maxAssetBytesOf(kind)) {
      problems.push(
        `${file} is ${stat.size.toLocaleString("en-US")} bytes; expected at most ${maxAssetBytesOf(kind).toLocaleString("en-US")}`,
      );
      kinds.add(kind);
      continue;
    }
    const bytes = fs.readFileSync(file);
    try {
      local.push({ name, bytes, checked: await checkers[kind](name, bytes) });
    } catch (error) {
      if (!(error instanceof InvalidAssetError)) throw error;
      problems.push(`${file}: ${error.message}`);
      kinds.add(kind);
    }
  }
  if (problems.length) {
    const one = problems.length === 1;
    throw new UserError(
      `${one ? "an asset is" : `${problems.length} assets are`} not usable, nothing was uploaded or queued:\n  ${problems.join("\n  ")}\nreplace ${one ? "it" : "them"} with ${[...kinds].map((kind) => fixFor[kind]).join(" or ")}`,
    );
  }
  for (const { name, bytes, checked } of local) {
    const stored = await writeCheckedAsset(storage, name, bytes, checked);
    upload.uploaded.push(name);
    upload.etags.set(name, stored.etag);
    if (stored.status === "unchanged") upload.unchanged.push(name);
    if (stored.status === "replaced") upload.replaced.push(name);
  }
  return upload;
}
