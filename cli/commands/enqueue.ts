// `cardpress enqueue <batch.json>`: uploads the batch's local assets, then validates and queues the batch.
import fs from "node:fs";
import path from "node:path";
import { storageCall } from "../../jobs/errors";
import { enqueueBatch, type EnqueuedBatch } from "../../jobs/enqueue";
import { readSettings } from "../../jobs/settings";
import { ensureStorageResources, type JobStorage } from "../../jobs/storage";
import { assetNamesOf } from "../../renderer/render";
import { parseBatchFile } from "../../renderer/spec/validate";
import { note } from "../output";
import { readJsonFile } from "./render";

export interface AssetUpload {
  /** Asset names uploaded to the `assets` container. */
  uploaded: string[];
  /** Names no local file exists for (those cards fail with "not found", unless already uploaded). */
  missing: string[];
}

export interface EnqueueResult extends EnqueuedBatch {
  file: string;
  assets: AssetUpload;
}

/**
 * Asset names in specs resolve relative to the batch file's folder (as `cardpress render` does);
 * each is uploaded under its name, so the worker's lookup by name finds it.
 */
export async function uploadBatchAssets(
  storage: JobStorage,
  batchFile: unknown,
  baseDir: string,
): Promise<AssetUpload> {
  // Validation errors surface here already, before anything is uploaded.
  const parsed = parseBatchFile(batchFile);
  const assetNames = new Set(
    parsed.items.flatMap((item) => (item.spec ? assetNamesOf(item.spec) : [])),
  );
  const upload: AssetUpload = { uploaded: [], missing: [] };
  for (const name of assetNames) {
    const file = path.join(baseDir, name);
    if (!fs.existsSync(file)) {
      upload.missing.push(name);
      continue;
    }
    await storageCall(`uploading asset ${name}`, () =>
      storage.assets.getBlockBlobClient(name).uploadFile(file),
    );
    upload.uploaded.push(name);
  }
  return upload;
}

export async function enqueueFile(storage: JobStorage, file: string): Promise<EnqueueResult> {
  const batchFile = readJsonFile(file);
  await ensureStorageResources(storage);
  const assets = await uploadBatchAssets(storage, batchFile, path.dirname(path.resolve(file)));
  const batch = await enqueueBatch(storage, batchFile, { settings: readSettings() });
  return { file, assets, ...batch };
}

export function printEnqueued(result: EnqueueResult): void {
  for (const name of result.assets.missing) {
    note(
      `cardpress: warning: asset ${name} has no file next to ${result.file}; cards using it fail unless it is already in storage`,
    );
  }
  for (const warning of result.warnings) note(`cardpress: warning: ${warning}`);
  console.log(
    `batch ${result.batchId}: ${result.accepted}/${result.total} cards queued in ${result.chunkCount} chunks` +
      `${result.rejected.length ? `, ${result.rejected.length} rejected` : ""}; ${result.assets.uploaded.length} assets uploaded`,
  );
  for (const item of result.rejected) console.log(`  ✖ ${item.id}: ${item.error.message}`);
}
