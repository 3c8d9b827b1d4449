// The HTTP side of `cardpress smoke`: calling the API with the function key, what each failed answer means and what to do, decoding images.
import sharp from "sharp";
import { z } from "zod";
import { parseJsonDocument } from "../../support";
import { UserError } from "../errors";
import type { SmokeTarget } from "./smokeTarget";

/** How one check ended; a failure says what to do. */
export type CheckOutcome =
  | { status: "passed"; detail: string }
  | { status: "skipped"; detail: string }
  | { status: "failed"; detail: string; fix: string };

/** A failure every later API call would repeat (no answer, key refused, no such route): later API checks are skipped. */
export type ApiFailure = Extract<CheckOutcome, { status: "failed" }> & { blocksApi: boolean };

const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]"]);

export type ApiAnswer = { response: Response; url: string } | { noAnswer: string; url: string };

/** The URL of `route` (relative to the API base, as in functions/host/triggers.ts). */
export function apiRoute(target: SmokeTarget, route: string): string {
  return `${target.apiUrl}/${route}`;
}

type NetworkCause = { code?: unknown; message?: unknown; errors?: { code?: unknown }[] };

/**
 * The network reason (ECONNREFUSED, ENOTFOUND, …) of a failed fetch: a host name with several
 * addresses (localhost: ::1 and 127.0.0.1) fails with an AggregateError holding one per address.
 * Duck-typed, as errors may come from another realm.
 */
function describeFetchError(error: unknown): string {
  const { message, cause } = (error ?? {}) as { message?: unknown; cause?: NetworkCause };
  const codes = [cause, ...(Array.isArray(cause?.errors) ? cause.errors : [])]
    .map((part) => part?.code)
    .filter((code): code is string => typeof code === "string");
  if (codes.length) return [...new Set(codes)].join(", ");
  // e.g. "bad port": fetch refuses the ports browsers block, without trying them.
  if (typeof cause?.message === "string") return cause.message;
  return typeof message === "string" ? message : String(error);
}

/** Calls the API; a request that got no answer at all is a value, not an exception (the check reports it). */
export async function callApi(
  target: SmokeTarget,
  route: string,
  init: { method: "GET" | "POST"; json?: unknown; signal: AbortSignal },
): Promise<ApiAnswer> {
  const url = apiRoute(target, route);
  const headers: Record<string, string> = {};
  if (target.key) headers["x-functions-key"] = target.key;
  if (init.json !== undefined) headers["content-type"] = "application/json";
  try {
    const response = await fetch(url, {
      method: init.method,
      headers,
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
      signal: init.signal,
      redirect: "manual",
    });
    return { response, url };
  } catch (error) {
    // The check's time bound ran out: the runner reports that, not this call.
    if (init.signal.aborted) throw error;
    return { noAnswer: describeFetchError(error), url };
  }
}

/** Largest answer smoke reads: what it asks cardpress for is far smaller (a 320×168 image, a short JSON document). */
export const maxAnswerBytes = 4 * 1024 * 1024;

/** An answer larger than any cardpress answer smoke asks for: the check fails, nothing more is read. */
export class AnswerTooLargeError extends UserError {
  override name = "AnswerTooLargeError";
}

/** The answer's body, read no further than `maxAnswerBytes`: a wrong URL may serve anything, of any size. */
export async function answerBytes(response: Response): Promise<Uint8Array> {
  const tooLarge = () =>
    new AnswerTooLargeError(
      `the answer of ${response.url || "the API"} is over ${maxAnswerBytes} bytes, more than any cardpress answer`,
    );
  if (Number(response.headers.get("content-length")) > maxAnswerBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    total += value.byteLength;
    if (total > maxAnswerBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
}

/** The answer's body as text, bounded as `answerBytes`. */
export async function answerText(response: Response): Promise<string> {
  return new TextDecoder().decode(await answerBytes(response));
}

const errorBodySchema = z.looseObject({
  error: z.looseObject({ code: z.string().optional(), message: z.string() }),
});

/** `HTTP 404 not_found: no function answers /api/x`, from cardpress's JSON error body when there is one. */
export async function describeAnswer(response: Response): Promise<string> {
  const text = await answerText(response).catch(() => "");
  let reason = response.statusText;
  try {
    const { error } = parseJsonDocument(text, errorBodySchema, "error answer");
    reason = `${error.code ? `${error.code}: ` : ""}${error.message}`;
  } catch {
    if (text.trim()) reason = text.trim().slice(0, 200);
  }
  return `HTTP ${response.status}${reason ? ` ${reason}` : ""}`;
}

export const checkUrlFix = (target: SmokeTarget) =>
  target.local || loopbackHosts.has(new URL(target.apiUrl).hostname)
    ? "is the local stack running (npm start)? cardpress smoke without --api-url finds it"
    : "check --api-url (the stack's apiBaseUrl output, https://<app>.azurewebsites.net/api) and that the Function App is running (Azure portal → the app → Overview)";

export const logsFix = (target: SmokeTarget) =>
  target.local
    ? "read the error in npm start's log"
    : "read the app's exceptions in Application Insights (docs/deploy.md, Logs)";

/** What a failed call means, and whether every later API call would fail the same way. */
export async function apiFailure(target: SmokeTarget, answer: ApiAnswer): Promise<ApiFailure> {
  if ("noAnswer" in answer) {
    return {
      status: "failed",
      detail: `no answer from ${answer.url} (${answer.noAnswer})`,
      fix: checkUrlFix(target),
      blocksApi: true,
    };
  }
  const { response, url } = answer;
  const detail = `${url} answered ${await describeAnswer(response)}`;
  if (response.status === 401 || response.status === 403) {
    return {
      status: "failed",
      detail: `${detail}: the function key was refused`,
      fix: "pass the stack's function key with --key (pulumi stack output functionKey --show-secrets), or use --stack <name>",
      blocksApi: true,
    };
  }
  if (response.status === 404 || (response.status >= 300 && response.status < 400)) {
    return {
      status: "failed",
      detail,
      fix: `no cardpress function answers there: --api-url must be the API base ending in /api, and the app must run this version's package (npm run package, then pulumi up); ${checkUrlFix(target)}`,
      blocksApi: true,
    };
  }
  if (response.status === 429) {
    return {
      status: "failed",
      detail,
      fix: "the instance is busy (RENDER_HTTP_MAX_PENDING renders held); run cardpress smoke again",
      blocksApi: false,
    };
  }
  return { status: "failed", detail, fix: logsFix(target), blocksApi: false };
}

/** A JSON answer read through its schema; a body that is not what cardpress answers is a failure. */
export async function readAnswer<T>(
  target: SmokeTarget,
  response: Response,
  url: string,
  schema: z.ZodType<T>,
): Promise<T | ApiFailure> {
  try {
    return parseJsonDocument(await answerText(response), schema, `the answer of ${url}`);
  } catch (error) {
    return {
      status: "failed",
      detail: (error as Error).message,
      fix: `that is not a cardpress API; ${checkUrlFix(target)}`,
      blocksApi: true,
    };
  }
}

export function isFailure(value: unknown): value is ApiFailure {
  return typeof value === "object" && value !== null && "blocksApi" in value;
}

export interface ExpectedImage {
  format: "png" | "jpeg" | "webp";
  width: number;
  height: number;
}

/**
 * Decodes every pixel (not only the header), then compares format and size; undefined when the
 * image is what was expected, else what is wrong.
 */
export async function decodeMismatch(
  bytes: Uint8Array,
  expected: ExpectedImage,
): Promise<string | undefined> {
  let found: { format: string; width: number; height: number };
  try {
    const image = sharp(bytes, { failOn: "error" });
    const { format } = await image.metadata();
    const { info } = await image.raw().toBuffer({ resolveWithObject: true });
    found = { format: format ?? "unknown", width: info.width, height: info.height };
  } catch (error) {
    return `its ${bytes.length} bytes do not decode as an image (${(error as Error).message})`;
  }
  if (
    found.format === expected.format &&
    found.width === expected.width &&
    found.height === expected.height
  ) {
    return undefined;
  }
  return `expected a ${expected.width}×${expected.height} ${expected.format}, decoded a ${found.width}×${found.height} ${found.format}`;
}
