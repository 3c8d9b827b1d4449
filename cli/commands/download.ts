// `cardpress download <batchId> <dir>`: saves a batch's finished images as <dir>/<itemId>.<ext>.
import fs from "node:fs";
import path from "node:path";
import { type BatchStatus, downloadOutput, getBatchStatus, type JobStorage } from "../../jobs";
import { readSettings } from "../../settings";
import { mapWithLimit } from "../../support";
import { warningLines } from "../cardWarnings";
import { openCliStorage } from "../connection";
import { deliveryExitCode } from "../exitCodes";
import { printJson } from "../output";
import type { CommonOptions } from "./options";

export interface DownloadedFile {
  id: string;
  file: string;
  bytes: number;
  width: number;
  height: number;
  /** What the renderer noted (a clamped title, a missing glyph), as `render` reports it. */
  warnings: string[];
  /** Read-only SAS URL of the blob (when asked for). */
  url?: string;
}

export interface DownloadResult {
  batchId: string;
  state: BatchStatus["state"];
  dir: string;
  /** When the files' `url`s stop working (when URLs were asked for). */
  urlsExpireAt?: string;
  files: DownloadedFile[];
  failed: { id: string; error: string }[];
  pending: string[];
}

export async function downloadBatch(
  storage: JobStorage,
  batchId: string,
  dir: string,
  options: { withUrls?: boolean } = {},
): Promise<DownloadResult> {
  const status = await getBatchStatus(storage, batchId, {
    settings: readSettings(),
    withUrls: Boolean(options.withUrls),
  });
  fs.mkdirSync(dir, { recursive: true });
  const done = status.items.flatMap((item) => (item.status === "done" ? [item] : []));
  const files = await mapWithLimit(done, 8, async (item): Promise<DownloadedFile> => {
    // The blob's own name (`<batchId>/<itemId>.<ext>`) keeps the id and the format's extension.
    const file = path.join(dir, path.posix.basename(item.blob));
    await fs.promises.writeFile(file, await downloadOutput(storage, item.blob));
    return {
      id: item.id,
      file,
      bytes: item.bytes,
      width: item.width,
      height: item.height,
      warnings: item.warnings,
      ...(item.url ? { url: item.url } : {}),
    };
  });
  return {
    batchId,
    state: status.state,
    dir,
    ...(status.urlsExpireAt ? { urlsExpireAt: status.urlsExpireAt } : {}),
    files,
    failed: status.items.flatMap((item) =>
      item.status === "failed" ? [{ id: item.id, error: item.error.message }] : [],
    ),
    pending: status.items.flatMap((item) => (item.status === "pending" ? [item.id] : [])),
  };
}

export function printDownloaded(result: DownloadResult): void {
  for (const file of result.files) {
    console.log(`✔ ${file.id} → ${file.file}`);
    for (const line of warningLines(file.warnings)) console.log(line);
  }
  for (const { id, error } of result.failed) console.log(`✖ ${id}: ${error}`);
  for (const id of result.pending) console.log(`… ${id} (pending, not downloaded)`);
  console.log(
    `${result.files.length} downloaded to ${result.dir}, ${result.failed.length} failed, ${result.pending.length} pending`,
  );
}

/** The whole `download` command: fetch, print, set the exit code. */
export async function runDownloadCommand(
  batchId: string,
  dir: string,
  options: CommonOptions,
): Promise<void> {
  const result = await downloadBatch(openCliStorage(options), batchId, dir);
  if (options.json) printJson(result);
  else printDownloaded(result);
  process.exitCode = deliveryExitCode(result);
}
