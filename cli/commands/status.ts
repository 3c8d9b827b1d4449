// `cardpress status <batchId>`: a batch's progress and per-card state.
import { readSettings } from "../../jobs/settings";
import { getBatchStatus, type BatchStatus } from "../../jobs/status";
import type { JobStorage } from "../../jobs/storage";
import { exitCodes } from "../exit-codes";

export function readStatus(storage: JobStorage, batchId: string): Promise<BatchStatus> {
  return getBatchStatus(storage, batchId, { settings: readSettings() });
}

export function summarize(status: BatchStatus): string {
  return `batch ${status.batchId}: ${status.state} — ${status.done} done, ${status.failed} failed, ${status.pending} pending of ${status.total}`;
}

export function printStatus(status: BatchStatus): void {
  console.log(summarize(status));
  for (const item of status.items) {
    if (item.status === "done")
      console.log(`  ✔ ${item.id} ${item.width}×${item.height} ${item.blob}`);
    else if (item.status === "failed") console.log(`  ✖ ${item.id}: ${item.error.message}`);
    else console.log(`  … ${item.id}`);
  }
}

/**
 * 0 when every card rendered, 1 when some failed or an expired batch left some unrendered; a
 * batch still running counts as 0 here.
 */
export function statusExitCode(status: BatchStatus): number {
  if (status.state === "expired") return exitCodes.itemsFailed;
  return status.failed > 0 && status.state !== "in_progress" ? exitCodes.itemsFailed : exitCodes.ok;
}
