// Reading request bodies (JSON, or binary of given content types) with a size bound and errors that say what was wrong.
import { JsonSyntaxError, parseJsonText } from "../../renderer";
import { RequestBodyError } from "./httpErrors";
import { pipeline } from "../../settings";

/** The part of an HTTP request this needs (satisfied by @azure/functions' HttpRequest). */
export interface JsonRequest {
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** The JSON body, at most `limit` bytes (default pipeline.maxRequestBytes; a template is smaller). */
export async function readJsonBody(
  request: JsonRequest,
  limit: number = pipeline.maxRequestBytes,
): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  const contentType = request.headers.get("content-type");
  if (contentType && !/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw new RequestBodyError(
      `expected Content-Type application/json, received ${contentType}`,
      415,
    );
  }
  if (declared > limit) {
    throw new RequestBodyError(
      `body of ${declared} bytes exceeds the limit of ${limit} bytes`,
      413,
    );
  }
  const text = await request.text();
  if (Buffer.byteLength(text) > limit) {
    throw new RequestBodyError(`body exceeds the limit of ${limit} bytes`, 413);
  }
  if (!text.trim()) throw new RequestBodyError("expected a JSON body, received an empty body");
  try {
    return parseJsonText(text, "request body");
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    throw new RequestBodyError(
      `expected a JSON body; invalid JSON at line ${error.line}, column ${error.column}: ${error.problem}`,
    );
  }
}

/** The part of an HTTP request a binary upload needs (satisfied by @azure/functions' HttpRequest). */
export interface BinaryRequest {
  headers: { get(name: string): string | null };
  body: ReadableStream<Uint8Array> | null;
}

export interface BinaryBody {
  /** The Content-Type's media type, lower-cased, without parameters. */
  contentType: string;
  bytes: Buffer;
}

/**
 * Reads a binary body of one of `contentTypes`, at most `limit` bytes: a declared length over it is
 * refused before reading, and a body without one stops being read as soon as it passes the limit.
 */
export async function readBinaryBody(
  request: BinaryRequest,
  options: { limit: number; contentTypes: readonly string[] },
): Promise<BinaryBody> {
  const { limit, contentTypes } = options;
  const contentType = (request.headers.get("content-type") ?? "")
    .split(";")[0]
    ?.trim()
    .toLowerCase();
  if (!contentType || !contentTypes.includes(contentType)) {
    throw new RequestBodyError(
      `expected Content-Type ${contentTypes.join(", ")}, received ${request.headers.get("content-type") ?? "none"}`,
      415,
    );
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) {
    throw new RequestBodyError(
      `body of ${declared} bytes exceeds the limit of ${limit} bytes`,
      413,
    );
  }
  const parts: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        throw new RequestBodyError(`body exceeds the limit of ${limit} bytes`, 413);
      }
      parts.push(value);
    }
  }
  if (size === 0)
    throw new RequestBodyError(`expected a ${contentType} body, received an empty body`);
  return { contentType, bytes: Buffer.concat(parts) };
}
