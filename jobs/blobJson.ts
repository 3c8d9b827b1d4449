// Reading and writing the pipeline's JSON documents (records, results, claim checks) as blobs.
import type { ContainerClient } from "@azure/storage-blob";
import type { z } from "zod";
import { JobError, isNotFound, storageCall } from "./errors";

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

/** Downloads and validates a JSON blob; undefined when it does not exist. */
export async function readJsonBlob<T>(
  container: ContainerClient,
  blobName: string,
  schema: z.ZodType<T>,
): Promise<T | undefined> {
  const where = `${container.containerName}/${blobName}`;
  let body: Buffer;
  try {
    body = await container.getBlobClient(blobName).downloadToBuffer();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    return storageCall(`reading ${where}`, () => Promise.reject(error));
  }
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
