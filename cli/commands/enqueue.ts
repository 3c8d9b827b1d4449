// `cardpress enqueue <batch.json>`: uploads the batch's local assets, then validates and queues the batch.
import fs from "node:fs";
import path from "node:path";
import {
  AssetChangedError,
  assetFieldsOf,
  checkAssetBytes,
  type CheckedAsset,
  enqueueBatch,
  type EnqueuedBatch,
  ensureStorageResources,
  InvalidAssetError,
  type JobStorage,
  MissingAssetsError,
  writeCheckedAsset,
} from "../../jobs";
import { names, readSettings, type Settings } from "../../settings";
import { limits, parseBatchFile } from "../../renderer";
import { openCliStorage } from "../connection";
import { UserError } from "../errors";
import { batchExitCode, enqueueExitCode } from "../exitCodes";
import { note, printJson } from "../output";
import { downloadBatch, printDownloaded } from "./download";
import type { CommonOptions } from "./options";
import { readJsonFile } from "./render";
import { printStatus } from "./status";
import { progressMode, waitForBatch } from "./wait";

/** The flags of `cardpress enqueue`, as commander parses them. */
export interface EnqueueFlags extends CommonOptions {
  wait?: boolean;
  /** Download the images here after waiting (implies --wait). */
  download?: string;
  /** Longest wait, in ms. */
  timeout: number;
}

export interface AssetUpload {
  /** Asset names stored from local files (written, or already in storage with the same bytes). */
  uploaded: string[];
  /** Of `uploaded`, those storage already held byte for byte: nothing was written. */
  unchanged: string[];
  /** Of `uploaded`, names under which storage held other bytes: replaced (batches queued before keep their pinned version). */
  replaced: string[];
  /** ETag of each uploaded name's stored version: the batch pins exactly these. */
  etags: Map<string, string>;
  /** Names with no local file: the batch uses the asset already in storage (enqueue fails if there is none). */
  missing: string[];
}

export interface EnqueueResult extends EnqueuedBatch {
  file: string;
  assets: AssetUpload;
}

/**
 * Asset names in specs resolve relative to the batch file's folder (as `cardpress render` does);
 * each is uploaded under its name, so the worker's lookup by name finds it. Every local file is
 * checked as the worker would (size, format, a complete decode) before anything is uploaded: a
 * bad one is a UserError naming the file. Unchanged assets are not written again. A name that held
 * other bytes is replaced, and said so: the assets namespace is shared, but every queued batch
 * renders the version it pinned when it was created (jobs/batchCreation.ts), so replacing is safe
 * for them; it changes what later batches naming the asset without a file get.
 */
export async function uploadBatchAssets(
  storage: JobStorage,
  batchFile: unknown,
  baseDir: string,
  singleCardId?: string,
): Promise<AssetUpload> {
  // Validation errors surface here already, before anything is uploaded.
  const parsed = parseBatchFile(batchFile, { singleCardId });
  const assetNames = new Set(
    parsed.items.flatMap((item) =>
      item.spec ? assetFieldsOf(item.spec).map(({ asset }) => asset) : [],
    ),
  );
  const missing: string[] = [];
  const problems: string[] = [];
  const local: { name: string; bytes: Buffer; checked: CheckedAsset }[] = [];
  for (const name of assetNames) {
    const file = path.join(baseDir, name);
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile()) {
      missing.push(name);
      continue;
    }
    if (stat.size > limits.maxAssetBytes) {
      problems.push(
        `${file} is ${stat.size.toLocaleString("en-US")} bytes; expected at most ${limits.maxAssetBytes.toLocaleString("en-US")}`,
      );
      continue;
    }
    const bytes = fs.readFileSync(file);
    try {
      local.push({ name, bytes, checked: await checkAssetBytes(name, bytes) });
    } catch (error) {
      if (!(error instanceof InvalidAssetError)) throw error;
      problems.push(`${file}: ${error.message}`);
    }
  }
  if (problems.length) {
    throw new UserError(
      `${problems.length === 1 ? "an asset is" : `${problems.length} assets are`} not usable, nothing was uploaded or queued:\n  ${problems.join("\n  ")}\nreplace ${problems.length === 1 ? "it" : "them"} with a PNG, JPEG, WebP or GIF image`,
    );
  }
  const upload: AssetUpload = {
    uploaded: [],
    unchanged: [],
    replaced: [],
    etags: new Map(),
    missing,
  };
  for (const { name, bytes, checked } of local) {
    const stored = await writeCheckedAsset(storage, name, bytes, checked);
    upload.uploaded.push(name);
    upload.etags.set(name, stored.etag);
    if (stored.status === "unchanged") upload.unchanged.push(name);
    if (stored.status === "replaced") upload.replaced.push(name);
  }
  return upload;
}

/** A batch naming assets neither next to it nor in storage: says where each was looked for. */
function missingAssetsError(error: MissingAssetsError, file: string, baseDir: string): UserError {
  const lines = error.missing.map((asset) => {
    const paths = error.references
      .filter((reference) => reference.asset === asset)
      .map((reference) => reference.path);
    const shown =
      paths.slice(0, 3).join(", ") + (paths.length > 3 ? `, and ${paths.length - 3} more` : "");
    return `${JSON.stringify(asset)} (${shown}): no file ${path.join(baseDir, asset)}, no blob in container "${names.containers.assets}"`;
  });
  return new UserError(
    `${file} names ${lines.length === 1 ? "an asset" : `${lines.length} assets`} that cannot be found, nothing was queued:\n  ${lines.join("\n  ")}\nput the files next to the batch file (names resolve against ${baseDir}) or upload them first`,
  );
}

export async function enqueueFile(
  storage: JobStorage,
  file: string,
  settings: Settings = readSettings(),
): Promise<EnqueueResult> {
  const batchFile = readJsonFile(file);
  const baseDir = path.dirname(path.resolve(file));
  await ensureStorageResources(storage);
  // A lone card without an id is named after its file, as `cardpress render` names it.
  const singleCardId = path.basename(file).replace(/\.json$/i, "");
  const assets = await uploadBatchAssets(storage, batchFile, baseDir, singleCardId);
  try {
    const batch = await enqueueBatch(storage, batchFile, {
      settings,
      singleCardId,
      // The batch pins the versions just uploaded, not whatever another writer put there since.
      expectedAssets: assets.etags,
    });
    return { file, assets, ...batch };
  } catch (error) {
    if (error instanceof MissingAssetsError) throw missingAssetsError(error, file, baseDir);
    if (error instanceof AssetChangedError) {
      throw new UserError(
        `${error.message}\nsomeone else is writing assets under the same ${error.assets.length === 1 ? "name" : "names"}; choose names of your own (e.g. a folder: brand-x/logo.png)`,
      );
    }
    throw error;
  }
}

export function printEnqueued(result: EnqueueResult): void {
  for (const name of result.assets.missing) {
    note(
      `cardpress: asset ${name} has no file next to ${result.file}; using the one already in storage`,
    );
  }
  for (const name of result.assets.replaced) {
    note(
      `cardpress: asset ${name} replaced other bytes stored under that name (batches queued before keep the version they pinned; later batches naming it get this file)`,
    );
  }
  for (const warning of result.warnings) note(`cardpress: warning: ${warning}`);
  const { uploaded, unchanged } = result.assets;
  console.log(
    `batch ${result.batchId}: ${result.accepted}/${result.total} cards queued in ${result.chunkCount} chunks` +
      `${result.rejected.length ? `, ${result.rejected.length} rejected` : ""}; ${uploaded.length} assets uploaded` +
      `${unchanged.length ? ` (${unchanged.length} unchanged)` : ""}`,
  );
  for (const item of result.rejected) console.log(`  ✖ ${item.id}: ${item.error.message}`);
}

/**
 * The whole `enqueue` command: queue; without --wait that is all (exit code from the rejected
 * cards); with --wait or --download, wait and report the batch as `status` or `download` would,
 * with the exit code of the batch's state.
 */
export async function runEnqueueCommand(file: string, flags: EnqueueFlags): Promise<void> {
  const storage = openCliStorage(flags);
  const enqueued = await enqueueFile(storage, file);
  if (!flags.wait && !flags.download) {
    if (flags.json) printJson(enqueued);
    else printEnqueued(enqueued);
    process.exitCode = enqueueExitCode(enqueued);
    return;
  }
  if (!flags.json) printEnqueued(enqueued);
  const status = await waitForBatch(storage, enqueued.batchId, {
    timeoutMs: flags.timeout,
    intervalMs: 500,
    progress: progressMode(flags.json),
  });
  const downloaded = flags.download
    ? await downloadBatch(storage, enqueued.batchId, flags.download)
    : undefined;
  if (flags.json) printJson({ ...enqueued, status, ...(downloaded ? { downloaded } : {}) });
  else if (downloaded) printDownloaded(downloaded);
  else printStatus(status);
  process.exitCode = batchExitCode(status);
}
