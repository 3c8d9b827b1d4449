// `cardpress urls <batchId> [--ttl 2h]`: fresh read-only SAS URLs for a batch's finished cards.
import { pipeline, readSettings } from "../../jobs/settings";
import { getBatchStatus, type BatchStatus } from "../../jobs/status";
import type { JobStorage } from "../../jobs/storage";
import { UserError } from "../exit-codes";

export interface BatchUrls {
  batchId: string;
  state: BatchStatus["state"];
  expiresAt?: string;
  urls: { id: string; url: string }[];
  failed: { id: string; error: string }[];
  pending: string[];
}

export async function readBatchUrls(
  storage: JobStorage,
  batchId: string,
  ttlMs?: number,
): Promise<BatchUrls> {
  const settings = readSettings();
  if (ttlMs !== undefined) {
    const minutes = Math.ceil(ttlMs / 60_000);
    if (minutes > pipeline.maxSasTtlMinutes) {
      throw new UserError(
        `--ttl is above the maximum of ${pipeline.maxSasTtlMinutes / 1440} days; use a shorter one`,
      );
    }
    settings.SAS_TTL_MINUTES = minutes;
  }
  const status = await getBatchStatus(storage, batchId, { settings, withUrls: true });
  return {
    batchId,
    state: status.state,
    ...(status.urlsExpireAt ? { expiresAt: status.urlsExpireAt } : {}),
    urls: status.items.flatMap((item) =>
      item.status === "done" && item.url ? [{ id: item.id, url: item.url }] : [],
    ),
    failed: status.items.flatMap((item) =>
      item.status === "failed" ? [{ id: item.id, error: item.error.message }] : [],
    ),
    pending: status.items.flatMap((item) => (item.status === "pending" ? [item.id] : [])),
  };
}

export function printUrls(result: BatchUrls): void {
  for (const { id, url } of result.urls) console.log(`${id}\t${url}`);
  for (const { id, error } of result.failed) console.log(`${id}\tfailed: ${error}`);
  for (const id of result.pending) console.log(`${id}\tpending`);
}
