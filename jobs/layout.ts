// Where everything of a batch lives in blob storage: one function per blob name, and batch ids.
import { randomBytes } from "node:crypto";
import { InvalidBatchIdError } from "./errors";

/*
 * Container `renders`:
 *   <batchId>/_batch.json              batch record (written before any message is sent)
 *   <batchId>/_chunks/<chunk>.json     result of one chunk message (written last, marks it done)
 *   <batchId>/<itemId>.<ext>           rendered images
 *   _expiry/<expiresAt>/<batchId>      empty marker: listing `_expiry/` is ordered by expiry time
 * Container `jobs`:
 *   <batchId>/<chunk>.json             claim-check payload of a chunk message over the queue limit
 * Item ids and batch ids start with a letter or digit, so no item collides with `_batch.json`.
 */

const batchIdPattern = /^\d{8}-\d{6}-[0-9a-f]{10}$/;
const batchIdExpectation =
  'an id such as "20261123-120000-3f9a1c2b7d" as returned by POST /api/batches';

/** A new batch id: UTC creation time (sorts by age when listed) plus 40 random bits. */
export function createBatchId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").slice(0, 15).replace("T", "-");
  return `${stamp}-${randomBytes(5).toString("hex")}`;
}

export function isBatchId(value: string): boolean {
  return batchIdPattern.test(value);
}

export function assertBatchId(value: string): string {
  if (!isBatchId(value)) throw new InvalidBatchIdError(value, batchIdExpectation);
  return value;
}

const chunkName = (chunk: number) => String(chunk).padStart(4, "0");

export const blobNames = {
  batchPrefix: (batchId: string) => `${batchId}/`,
  batchRecord: (batchId: string) => `${batchId}/_batch.json`,
  chunkResultsPrefix: (batchId: string) => `${batchId}/_chunks/`,
  chunkResult: (batchId: string, chunk: number) => `${batchId}/_chunks/${chunkName(chunk)}.json`,
  output: (batchId: string, itemId: string, extension: string) =>
    `${batchId}/${itemId}.${extension}`,
  claimCheck: (batchId: string, chunk: number) => `${batchId}/${chunkName(chunk)}.json`,
  expiryPrefix: "_expiry/",
  expiryMarker: (expiresAt: Date, batchId: string) =>
    `_expiry/${expiresAt.toISOString()}/${batchId}`,
} as const;

/** Reads `_expiry/<iso>/<batchId>` back; undefined for names that are not markers. */
export function parseExpiryMarker(name: string): { expiresAt: Date; batchId: string } | undefined {
  const match = /^_expiry\/([^/]+)\/([^/]+)$/.exec(name);
  if (!match?.[1] || !match[2]) return undefined;
  const expiresAt = new Date(match[1]);
  if (Number.isNaN(expiresAt.getTime()) || !isBatchId(match[2])) return undefined;
  return { expiresAt, batchId: match[2] };
}
