// `cardpress status <batchId>`: a batch's progress and per-card state.
import { readSettings } from "../../settings";
import { type BatchStatus, getBatchStatus, type JobStorage } from "../../jobs";
import { warningLines } from "../cardWarnings";
import { openCliStorage } from "../connection";
import { batchExitCode } from "../exitCodes";
import { printJson } from "../output";
import type { CommonOptions } from "./options";

export function readStatus(storage: JobStorage, batchId: string): Promise<BatchStatus> {
  return getBatchStatus(storage, batchId, { settings: readSettings() });
}

export function summarize(status: BatchStatus): string {
  return `batch ${status.batchId}: ${status.state} — ${status.done} done, ${status.failed} failed, ${status.pending} pending of ${status.total}`;
}

/** The summary, then one line per card; a rendered card's warnings follow its ✔ line, as `render` prints them. */
export function printStatus(status: BatchStatus): void {
  console.log(summarize(status));
  for (const item of status.items) {
    if (item.status === "done") {
      console.log(`  ✔ ${item.id} ${item.width}×${item.height} ${item.blob}`);
      for (const line of warningLines(item.warnings, { indent: "    " })) console.log(line);
    } else if (item.status === "failed") console.log(`  ✖ ${item.id}: ${item.error.message}`);
    else console.log(`  … ${item.id}`);
  }
}

/** Prints a batch's status (JSON or lines) and sets the exit code from it (status, wait, enqueue --wait). */
export function reportStatus(status: BatchStatus, json: boolean | undefined): void {
  if (json) printJson(status);
  else printStatus(status);
  process.exitCode = batchExitCode(status);
}

/** The whole `status` command. */
export async function runStatusCommand(batchId: string, options: CommonOptions): Promise<void> {
  reportStatus(await readStatus(openCliStorage(options), batchId), options.json);
}
