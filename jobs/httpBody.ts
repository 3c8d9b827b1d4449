// Reading a JSON request body with a size bound and an error that says what was wrong.
import { RequestBodyError } from "./httpErrors";
import { pipeline } from "./settings";

/** The part of an HTTP request this needs (satisfied by @azure/functions' HttpRequest). */
export interface JsonRequest {
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export async function readJsonBody(request: JsonRequest): Promise<unknown> {
  const limit = pipeline.maxRequestBytes;
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
    return JSON.parse(text);
  } catch (error) {
    throw new RequestBodyError(`expected a JSON body: ${(error as Error).message}`);
  }
}
