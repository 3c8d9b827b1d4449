// Reads a blob download's body whole within a byte limit: blobs are untrusted input, so neither their declared nor their actual size is believed.
import { Readable } from "node:stream";

/** What a download answers that this reads: its declared length and its body. */
export interface BlobDownload {
  contentLength?: number;
  readableStreamBody?: NodeJS.ReadableStream;
}

/**
 * The body's bytes, or, past `limit`, the size seen: the declared length (`declared`), or the bytes
 * received when the body ran past it. The rest is not read, and the stream is abandoned with its
 * abort swallowed (the refusal is what to report, not the abort it causes).
 */
export async function readBodyUpTo(
  download: BlobDownload,
  limit: number,
): Promise<{ bytes: Buffer } | { tooLarge: number; declared: boolean }> {
  const body = download.readableStreamBody;
  const abandon = () => {
    if (body instanceof Readable) body.on("error", () => undefined).destroy();
  };
  const declared = download.contentLength ?? 0;
  if (declared > limit) {
    abandon();
    return { tooLarge: declared, declared: true };
  }
  const parts: Buffer[] = [];
  let received = 0;
  for await (const part of body ?? []) {
    const buffer: Buffer = typeof part === "string" ? Buffer.from(part, "utf8") : part;
    received += buffer.length;
    if (received > limit) {
      abandon();
      return { tooLarge: received, declared: false };
    }
    parts.push(buffer);
  }
  return { bytes: Buffer.concat(parts, received) };
}
