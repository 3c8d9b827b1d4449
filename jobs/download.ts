// Fetching a batch's finished images from storage (for the CLI's `download`), by blob name.
import { storageCall } from "./errors";
import { names } from "../settings";
import type { JobStorage } from "./storage";

/** The bytes of one output blob of the `renders` container. */
export function downloadOutput(storage: JobStorage, blobName: string): Promise<Buffer> {
  return storageCall(`downloading ${names.containers.renders}/${blobName}`, () =>
    storage.renders.getBlobClient(blobName).downloadToBuffer(),
  );
}
