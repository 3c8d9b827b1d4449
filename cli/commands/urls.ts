// `cardpress urls <batchId> [--ttl 2h]`: fresh read-only SAS URLs for a batch's finished cards.
import { pipeline, readSettings } from "../../settings";
import { type BatchStatus, getBatchStatus, type JobStorage } from "../../jobs";
import { openCliStorage } from "../connection";
import { formatDuration } from "../duration";
import { UserError } from "../errors";
import { deliveryExitCode, exitCodes } from "../exitCodes";
import { note, printJson } from "../output";
import type { CommonOptions } from "./options";

export interface BatchUrls {
  batchId: string;
  state: BatchStatus["state"];
  /** When the batch is pruned (the same field as in `status --json`). */
  expiresAt: string;
  /** When these URLs stop working: the lifetime asked for, cut at `expiresAt`. */
  urlsExpireAt: string;
  urls: { id: string; url: string }[];
  failed: { id: string; error: string }[];
  pending: string[];
}

export interface ReadUrlsOptions {
  /** Lifetime asked for (`--ttl`); SAS_TTL_MINUTES when absent. */
  ttlMs?: number;
  now?: Date;
}

/** The range `--ttl` accepts: the limits of SAS_TTL_MINUTES, so both ways of choosing agree. */
const ttlRangeMs = { min: 60_000, max: pipeline.maxSasTtlMinutes * 60_000 } as const;

/** Rejects a `--ttl` outside 1m–7d before anything is read: a URL that is born expired is useless. */
export function checkUrlTtl(ttlMs: number | undefined): void {
  if (ttlMs === undefined || (ttlMs >= ttlRangeMs.min && ttlMs <= ttlRangeMs.max)) return;
  throw new UserError(
    `--ttl ${formatDuration(ttlMs)} is out of range: the URLs' lifetime must be from ${formatDuration(ttlRangeMs.min)} to ${formatDuration(ttlRangeMs.max)}; pass e.g. --ttl 2h`,
    exitCodes.usage,
  );
}

export async function readBatchUrls(
  storage: JobStorage,
  batchId: string,
  options: ReadUrlsOptions = {},
): Promise<BatchUrls> {
  checkUrlTtl(options.ttlMs);
  const status = await getBatchStatus(storage, batchId, {
    settings: readSettings(),
    withUrls: true,
    ...(options.ttlMs !== undefined ? { urlTtlMs: options.ttlMs } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  if (!status.urlsExpireAt) {
    throw new UserError(
      `batch ${batchId} expired at ${status.expiresAt}: its images are deleted at the next prune run, so no URLs were signed; enqueue the batch again (a longer ttlHours keeps it longer)`,
      exitCodes.itemsFailed,
    );
  }
  return {
    batchId,
    state: status.state,
    expiresAt: status.expiresAt,
    urlsExpireAt: status.urlsExpireAt,
    urls: status.items.flatMap((item) =>
      item.status === "done" && item.url ? [{ id: item.id, url: item.url }] : [],
    ),
    failed: status.items.flatMap((item) =>
      item.status === "failed" ? [{ id: item.id, error: item.error.message }] : [],
    ),
    pending: status.items.flatMap((item) => (item.status === "pending" ? [item.id] : [])),
  };
}

/** Says on stderr when the batch's expiry cut the lifetime asked for (the URLs would outlive their images). */
function warnIfCapped(result: BatchUrls, ttlMs: number | undefined, now: Date): void {
  const asked = ttlMs ?? readSettings().SAS_TTL_MINUTES * 60_000;
  // The signed expiry is in whole seconds; anything shorter than that is the batch's cut.
  if (Date.parse(result.urlsExpireAt) >= now.getTime() + asked - 1000) return;
  const source = ttlMs === undefined ? "SAS_TTL_MINUTES" : "--ttl";
  note(
    `cardpress: warning: batch ${result.batchId} expires at ${result.expiresAt} and its images are deleted then, so the URLs expire then too, before the ${formatDuration(asked)} of ${source}`,
  );
}

export function printUrls(result: BatchUrls): void {
  for (const { id, url } of result.urls) console.log(`${id}\t${url}`);
  for (const { id, error } of result.failed) console.log(`${id}\tfailed: ${error}`);
  for (const id of result.pending) console.log(`${id}\tpending`);
}

/** The whole `urls` command: check the TTL, sign, warn about a cut lifetime, print, set the exit code. */
export async function runUrlsCommand(
  batchId: string,
  options: CommonOptions & { ttl?: number },
): Promise<void> {
  checkUrlTtl(options.ttl);
  const now = new Date();
  const result = await readBatchUrls(openCliStorage(options), batchId, {
    ...(options.ttl !== undefined ? { ttlMs: options.ttl } : {}),
    now,
  });
  warnIfCapped(result, options.ttl, now);
  if (options.json) printJson(result);
  else printUrls(result);
  process.exitCode = deliveryExitCode(result);
}
