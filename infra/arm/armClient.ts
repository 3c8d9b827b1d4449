// One ARM request with the retry policy a fresh Function App needs: host-runtime 400s, 404/409/429/5xx and network errors retried for ~10 minutes, everything else failed at once with what to do.
//
// Runs inside Pulumi dynamic providers, i.e. as code serialized by `pulumi.runtime.serializeFunction`
// (docs/deploy.md, "Trigger sync and function key: retries"). Hence the rules of this file:
// - No classes and no imports of project modules: everything it needs is a plain function here.
// - Every error is a plain `Error` with fields assigned (`armError`): an `Error` subclass with class
//   fields loses its `message` once serialized, and Pulumi would print an empty error.
// - Only globals the engine's Node has: `fetch`, `Headers`, `AbortSignal`, `setTimeout`, `Date`.
// The signature of `armRequest` is stable: other ARM steps (One Deploy on Flex Consumption) use it.

/** Public Azure's Resource Manager; sovereign clouds and tests pass their own. */
export const defaultArmBaseUrl = "https://management.azure.com";

/** How long and how often a request is retried. */
export interface ArmRetryPolicy {
  /**
   * No attempt starts later than this after the first one: Azure documents up to ~10 minutes for
   * a role assignment to propagate, and a fresh app's host starts within that too.
   */
  windowMs: number;
  /** Wait after the first failure; doubled after each further one, up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** One attempt is abandoned (and retried, as a network error) after this long. */
  attemptTimeoutMs: number;
}

export const defaultArmRetryPolicy: ArmRetryPolicy = {
  windowMs: 10 * 60_000,
  firstDelayMs: 5_000,
  maxDelayMs: 60_000,
  attemptTimeoutMs: 100_000,
};

/** An HTTP answer as the retry policy sees it. */
export interface ArmAnswer {
  status: number;
  /** The body as text (possibly empty). */
  text: string;
}

export interface ArmRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path below the base URL, with its query: `${siteId}/syncfunctiontriggers?api-version=2024-04-01`. */
  path: string;
  /** Sent as JSON when present. */
  body?: unknown;
  /** Bearer token for Resource Manager (audience `https://management.azure.com/`). */
  token: string;
  /** Default `https://management.azure.com`. */
  baseUrl?: string;
  /** Default the global `fetch`. */
  fetchImpl?: typeof fetch;
  /** Default a real timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch; default `Date.now`. Tests pass a clock that `sleep` advances. */
  now?: () => number;
  retry?: Partial<ArmRetryPolicy>;
  /**
   * Absolute time (per `now`) after which no new attempt starts; default first attempt +
   * `windowMs`. Pass one deadline to several calls so a multi-step operation shares one window.
   */
  deadline?: number;
  /** What the call is for, in the error messages: "sync the triggers of cardpress-app". */
  purpose?: string;
  /** What to do when ARM refuses the caller (403); a generic role hint otherwise. */
  permissionHint?: string;
  /** What to do when the window runs out; by default, advice about a Function App host that is not ready. */
  exhaustedAdvice?: string;
  /** Further answers worth retrying (e.g. One Deploy's storage 403 wrapped in a 400). */
  isRetryable?: (answer: ArmAnswer) => boolean;
}

export interface ArmResponse {
  status: number;
  headers: Headers;
  /** The body as text ("" when empty). */
  text: string;
  /** The body parsed as JSON; undefined when empty or not JSON. */
  json: unknown;
  /** Attempts made, this one included. */
  attempts: number;
  elapsedMs: number;
}

/** Fields of every error `armRequest` throws (a plain `Error` with these assigned; `name` is "ArmRequestError"). */
export interface ArmErrorFields {
  /** Last HTTP status; 0 for a network error or a request never sent. */
  status: number;
  attempts: number;
  elapsedMs: number;
  /** "permanent": ARM refused (no retry helps); "exhausted": the retry window ran out. */
  reason: "permanent" | "exhausted";
}

export type ArmRequestError = Error & ArmErrorFields;

/** The body ARM relays from a Function App host that is starting or cannot reach its storage yet. */
const hostRuntimePattern = /from host runtime/i;

/**
 * Whether an answer may change by waiting: the host starting or a role assignment propagating
 * (400 "… from host runtime", 404, 409), throttling (429), timeouts and server errors (408, 5xx).
 */
export function isRetryableArmAnswer(answer: ArmAnswer): boolean {
  const { status } = answer;
  if (status === 400) return hostRuntimePattern.test(answer.text);
  return status === 404 || status === 408 || status === 409 || status === 429 || status >= 500;
}

/** `Retry-After` as milliseconds from `nowMs`: delta-seconds or an HTTP date; undefined if absent or unreadable. */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number,
): number | undefined {
  if (value === null || value === undefined || value.trim() === "") return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** The wait before retry number `retry` (1 = after the first failure): capped exponential back-off. */
export function backoffDelay(policy: ArmRetryPolicy, retry: number): number {
  return Math.min(policy.firstDelayMs * 2 ** Math.max(0, retry - 1), policy.maxDelayMs);
}

/** A plain `Error` carrying its fields: survives Pulumi's serialization with its message. */
export function armError(message: string, fields: ArmErrorFields): ArmRequestError {
  const error = new Error(message) as ArmRequestError;
  error.name = "ArmRequestError";
  error.status = fields.status;
  error.attempts = fields.attempts;
  error.elapsedMs = fields.elapsedMs;
  error.reason = fields.reason;
  return error;
}

/** An ARM URL without its query (api-version), for messages. */
export function describeCall(method: string, url: string): string {
  return `${method} ${url.replace(/\?.*$/, "")}`;
}

/** `code: message` of ARM's error format (`{error: {code, message}}`, or `{Code, Message}` from App Service). */
function armErrorSummary(text: string): string | undefined {
  const body = parseJson(text) as
    | { error?: { code?: unknown; message?: unknown }; Code?: unknown; Message?: unknown }
    | undefined;
  if (typeof body !== "object" || body === null) return undefined;
  const code = body.error?.code ?? body.Code;
  const message = body.error?.message ?? body.Message;
  if (typeof message !== "string") return undefined;
  return typeof code === "string" ? `${code}: ${message}` : message;
}

/**
 * Body text for a message: ARM's error code and message when the body is ARM's error format,
 * otherwise the text with whitespace folded; at most 300 characters.
 */
export function excerpt(text: string): string {
  const folded = (armErrorSummary(text) ?? text).replace(/\s+/g, " ").trim();
  if (folded === "") return "(empty body)";
  return folded.length > 300 ? `${folded.slice(0, 300)}…` : folded;
}

/** Ends a clause with a full stop unless it has one (ARM's messages often do). */
function endSentence(text: string): string {
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 6000) / 10} min`;
}

function permanentAdvice(status: number, permissionHint: string | undefined): string {
  if (status === 401) {
    return "the ARM token was refused: sign in again (`az login`, or renew the service principal's secret) and rerun `pulumi up`";
  }
  if (status === 403) {
    return (
      permissionHint ??
      "the deploying identity lacks a role for this action: grant it Website Contributor (or Contributor) on the Function App, wait a few minutes for the assignment to propagate, and rerun `pulumi up`"
    );
  }
  return "ARM refused the request as made: no retry can fix it; check the resource id and the API version";
}

const defaultExhaustedAdvice =
  "The Function App's host has not become ready: check it in the portal (Diagnose and solve problems) or its logs, that its identity's roles on the storage account exist, then rerun `pulumi up` (it retries only what is not done).";

const realSleep = (ms: number): Promise<void> =>
  new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Attempted {
  answer?: ArmAnswer & { headers: Headers };
  networkError?: string;
}

async function attemptOnce(
  fetchImpl: typeof fetch,
  url: string,
  request: ArmRequest,
  timeoutMs: number,
): Promise<Attempted> {
  const hasBody = request.body !== undefined;
  try {
    const response = await fetchImpl(url, {
      method: request.method,
      // A POST without a body still needs `Content-Length: 0` (ARM answers 411 otherwise): fetch sends it.
      headers: {
        Authorization: `Bearer ${request.token}`,
        ...(hasBody ? { "Content-Type": "application/json" } : {}),
      },
      ...(hasBody ? { body: JSON.stringify(request.body) } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { answer: { status: response.status, text, headers: response.headers } };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const message = String((error as { message?: unknown } | undefined)?.message ?? error);
    return { networkError: cause ? `${message} (${cause})` : message };
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Sends one ARM request, retrying what waiting can fix (see `isRetryableArmAnswer`, plus
 * network errors and `request.isRetryable`) with capped exponential back-off or the server's
 * `Retry-After`, until `deadline` (default: `windowMs` after the first attempt). Resolves with
 * the first 2xx answer. Rejects with an `ArmRequestError` (plain `Error`, see `ArmErrorFields`):
 * at once for a permanent refusal (401, 403, other 4xx), naming the call, the status, the body
 * and what to do; or when the window runs out, naming the attempts, the time spent, the last
 * answer and what to do.
 */
export async function armRequest(request: ArmRequest): Promise<ArmResponse> {
  const policy: ArmRetryPolicy = { ...defaultArmRetryPolicy, ...request.retry };
  const fetchImpl = request.fetchImpl ?? fetch;
  const sleep = request.sleep ?? realSleep;
  const now = request.now ?? Date.now;
  const url = `${(request.baseUrl ?? defaultArmBaseUrl).replace(/\/+$/, "")}${request.path}`;
  const call = describeCall(request.method, url);
  const purpose = request.purpose ? ` (to ${request.purpose})` : "";
  const startedAt = now();
  const deadline = request.deadline ?? startedAt + policy.windowMs;
  const retryable = (answer: ArmAnswer): boolean =>
    isRetryableArmAnswer(answer) || (request.isRetryable?.(answer) ?? false);

  for (let attempts = 1; ; attempts += 1) {
    const attempted = await attemptOnce(fetchImpl, url, request, policy.attemptTimeoutMs);
    const elapsedMs = now() - startedAt;
    const { answer } = attempted;
    if (answer && answer.status >= 200 && answer.status < 300) {
      return { ...answer, json: parseJson(answer.text), attempts, elapsedMs };
    }
    const status = answer?.status ?? 0;
    const last = answer
      ? `HTTP ${answer.status}: ${excerpt(answer.text)}`
      : `network error: ${attempted.networkError ?? "unknown"}`;
    if (answer && !retryable(answer)) {
      throw armError(
        `${call}${purpose} was refused: ${endSentence(last)} ${permanentAdvice(status, request.permissionHint)}`,
        { status, attempts, elapsedMs, reason: "permanent" },
      );
    }
    const retryAfter = answer
      ? parseRetryAfter(answer.headers.get("retry-after"), now())
      : undefined;
    const wait = retryAfter ?? backoffDelay(policy, attempts);
    const remaining = deadline - now();
    // A Retry-After beyond the window cannot be honoured: stop rather than ignore it. Back-off is
    // clamped so the last attempt lands at the deadline.
    if (remaining <= 0 || (retryAfter !== undefined && retryAfter > remaining)) {
      throw armError(
        `${call}${purpose} still failing after ${attempts} attempt${attempts === 1 ? "" : "s"} over ${formatDuration(elapsedMs)}` +
          ` (retried: host-runtime 400, 404, 408, 409, 429, 5xx and network errors)` +
          `${retryAfter !== undefined && retryAfter > remaining ? `; ARM asked to wait ${formatDuration(retryAfter)} more` : ""}; last answer ${endSentence(last)}` +
          ` ${request.exhaustedAdvice ?? defaultExhaustedAdvice}`,
        { status, attempts, elapsedMs, reason: "exhausted" },
      );
    }
    await sleep(Math.min(wait, remaining));
  }
}

/** What a caller of several ARM requests passes down: where ARM is, how to call and wait, the policy. */
export type ArmCallOptions = Pick<ArmRequest, "baseUrl" | "fetchImpl" | "sleep" | "now" | "retry">;

/** One round of `armPoll`: done with a value, or not yet, saying why (the last status, for the error). */
export type ArmPollRound<T> =
  { done: true; value: T } | { done: false; why: string; status: number };

export interface ArmPollRequest<T> extends ArmCallOptions {
  /** What is being waited for, in the error: "ARM to list the package's 7 functions". */
  waitingFor: string;
  /** What to do when the window runs out. */
  advice: string;
  /** One round; its ARM requests should pass on the `deadline` it is given (one window for all). */
  round: (deadline: number) => Promise<ArmPollRound<T>>;
}

/**
 * Repeats `round` with the back-off of `armRequest` until it is done or the window (one for all
 * rounds and their requests) runs out; rejects then with an "exhausted" `ArmRequestError` naming
 * the rounds, the time spent and the last reason. For answers that are 200 but not yet what is
 * wanted: a function listing that lags behind a sync, keys not yet created, a deployment running.
 */
export async function armPoll<T>(
  request: ArmPollRequest<T>,
): Promise<{ value: T; rounds: number; elapsedMs: number }> {
  const policy: ArmRetryPolicy = { ...defaultArmRetryPolicy, ...request.retry };
  const sleep = request.sleep ?? realSleep;
  const now = request.now ?? Date.now;
  const startedAt = now();
  const deadline = startedAt + policy.windowMs;
  for (let rounds = 1; ; rounds += 1) {
    const result = await request.round(deadline);
    const elapsedMs = now() - startedAt;
    if (result.done) return { value: result.value, rounds, elapsedMs };
    const remaining = deadline - now();
    if (remaining <= 0) {
      throw armError(
        `still waiting for ${request.waitingFor} after ${rounds} round${rounds === 1 ? "" : "s"} over ${formatDuration(elapsedMs)}: ${endSentence(result.why)} ${request.advice}`,
        { status: result.status, attempts: rounds, elapsedMs, reason: "exhausted" },
      );
    }
    await sleep(Math.min(backoffDelay(policy, rounds), remaining));
  }
}
