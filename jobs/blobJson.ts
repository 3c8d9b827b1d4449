// Reading and writing the pipeline's JSON documents (records, results, claim checks) as blobs.
import type { BlobClient, ContainerClient } from "@azure/storage-blob";
import type { z } from "zod";
import { readBodyUpTo } from "./blobBody";
import { JobError, isNotFound, storageCall } from "./errors";
import { pipeline } from "../settings";

/** A pipeline document in storage that does not match its schema (written by something else). */
export class CorruptDocumentError extends JobError {
  override name = "CorruptDocumentError";
}

/** Uploads `value` as JSON, replacing any previous version (writes are idempotent by name). */
export async function writeJsonBlob(
  container: ContainerClient,
  blobName: string,
  value: unknown,
): Promise<void> {
  const body = Buffer.from(JSON.stringify(value), "utf8");
  await storageCall(`writing ${container.containerName}/${blobName}`, () =>
    container.getBlockBlobClient(blobName).uploadData(body, {
      blobHTTPHeaders: { blobContentType: "application/json" },
    }),
  );
}

/**
 * One GET for the whole blob. downloadToBuffer reads the size first and then the bytes in ranges:
 * a blob replaced between the two (a redelivered chunk rewriting its result while a status reads
 * it) came back cut or padded — "not JSON" (seen under load in tests/reliability/faults.test.ts).
 * One response is one version of the blob.
 */
async function downloadWhole(
  blob: BlobClient,
  where: string,
  limit: number = pipeline.maxDocumentBytes,
): Promise<Buffer> {
  const read = await readBodyUpTo(await blob.download(0), limit);
  if ("bytes" in read) return read.bytes;
  throw new CorruptDocumentError(
    read.declared
      ? `${where} is ${read.tooLarge} bytes; documents are at most ${limit}`
      : `${where} is over ${limit} bytes; documents are at most that`,
  );
}

/**
 * A blob's bytes in one GET, at most `maxBytes` (default pipeline.maxDocumentBytes; more throws
 * CorruptDocumentError without reading past it); undefined when it does not exist.
 */
export async function readBlobBytes(
  container: ContainerClient,
  blobName: string,
  maxBytes?: number,
): Promise<Buffer | undefined> {
  const where = `${container.containerName}/${blobName}`;
  try {
    return await downloadWhole(container.getBlobClient(blobName), where, maxBytes);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    if (error instanceof CorruptDocumentError) throw error;
    return storageCall(`reading ${where}`, () => Promise.reject(error));
  }
}

/** Downloads and validates a JSON blob (at most `maxBytes`, see readBlobBytes); undefined when it does not exist. */
export async function readJsonBlob<T>(
  container: ContainerClient,
  blobName: string,
  schema: z.ZodType<T>,
  maxBytes?: number,
): Promise<T | undefined> {
  const where = `${container.containerName}/${blobName}`;
  const body = await readBlobBytes(container, blobName, maxBytes);
  if (body === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    throw new CorruptDocumentError(`${where} is not JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new CorruptDocumentError(
      `${where} does not match its schema: ${parsed.error.issues[0]?.message ?? "unknown"}`,
    );
  }
  return parsed.data;
}
