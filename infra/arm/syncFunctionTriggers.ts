// The ARM `syncfunctiontriggers` call itself (plain HTTP, no Pulumi): tells a consumption plan's scale controller about a new package's triggers.
import { InfraError } from "../errors";

/** The ARM API version of the calls (Microsoft.Web/sites). */
export const syncTriggersApiVersion = "2024-04-01";

export interface SyncTriggersRequest {
  /** ARM id of the Function App: `/subscriptions/…/resourceGroups/…/providers/Microsoft.Web/sites/<name>`. */
  siteId: string;
  /** Bearer token for https://management.azure.com/. */
  armToken: string;
  /**
   * Functions the package defines. A sync while the host cannot read the package yet (a role
   * assignment still propagating, the app restarting) succeeds with fewer functions; then the
   * call is repeated until ARM lists them all.
   */
  expectedFunctions: number;
}

export interface SyncTriggersOptions {
  /** Injected for tests; the global `fetch` otherwise. */
  fetchImpl?: typeof fetch;
  /** Attempts in all; the host may still be starting on a fresh app or a new package. */
  attempts?: number;
  /** Wait before the second attempt; doubled for each further one, up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Thrown when ARM refuses the call for good or keeps failing; carries the last HTTP status (0 if none). */
export class SyncTriggersError extends InfraError {
  override name = "SyncTriggersError";
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

function siteUrl(siteId: string, action: string): string {
  if (
    !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Web\/sites\/[^/]+$/i.test(
      siteId,
    )
  ) {
    throw new SyncTriggersError(`not a Function App resource id: ${JSON.stringify(siteId)}`, 0);
  }
  return `https://management.azure.com${siteId}/${action}?api-version=${syncTriggersApiVersion}`;
}

export function syncTriggersUrl(siteId: string): string {
  return siteUrl(siteId, "syncfunctiontriggers");
}

export function listFunctionsUrl(siteId: string): string {
  return siteUrl(siteId, "functions");
}

/** 429 and 5xx are worth another try (the host restarting after a settings change answers 5xx). */
function isTransient(status: number): boolean {
  return status === 429 || status >= 500;
}

/** A failure worth another attempt, described for the final error message. */
class TransientFailure {
  constructor(
    readonly description: string,
    readonly status: number,
  ) {}
}

async function call(
  fetchImpl: typeof fetch,
  url: string,
  method: "GET" | "POST",
  armToken: string,
): Promise<Response | TransientFailure> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method,
      headers: {
        Authorization: `Bearer ${armToken}`,
        ...(method === "POST" ? { "Content-Length": "0" } : {}),
      },
    });
  } catch (error) {
    return new TransientFailure(`network error: ${(error as Error).message}`, 0);
  }
  if (response.ok) return response;
  const failure = `${method} ${url.replace(/\?.*$/, "")}: HTTP ${response.status}: ${(await response.text()).slice(0, 500)}`;
  if (!isTransient(response.status)) throw new SyncTriggersError(failure, response.status);
  return new TransientFailure(failure, response.status);
}

/**
 * POSTs `syncfunctiontriggers`, then checks that ARM lists every function of the package;
 * retries transient failures and short listings with exponential back-off. Resolves with the
 * number of attempts it took.
 */
export async function syncFunctionTriggers(
  request: SyncTriggersRequest,
  options: SyncTriggersOptions = {},
): Promise<number> {
  const {
    fetchImpl = fetch,
    attempts = 8,
    firstDelayMs = 5_000,
    maxDelayMs = 60_000,
    sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  } = options;
  const syncUrl = syncTriggersUrl(request.siteId);
  const functionsUrl = listFunctionsUrl(request.siteId);
  let last = new TransientFailure("no attempt made", 0);
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    if (attempt > 1) await sleep(Math.min(firstDelayMs * 2 ** (attempt - 2), maxDelayMs));
    const synced = await call(fetchImpl, syncUrl, "POST", request.armToken);
    if (synced instanceof TransientFailure) {
      last = synced;
      continue;
    }
    const listed = await call(fetchImpl, functionsUrl, "GET", request.armToken);
    if (listed instanceof TransientFailure) {
      last = listed;
      continue;
    }
    const body = (await listed.json()) as { value?: unknown[] };
    const count = body.value?.length ?? 0;
    if (count >= request.expectedFunctions) return attempt;
    last = new TransientFailure(
      `ARM lists ${count} of the package's ${request.expectedFunctions} functions (the host has not loaded the package yet)`,
      listed.status,
    );
  }
  throw new SyncTriggersError(
    `syncfunctiontriggers for ${request.siteId} still failing after ${attempts} attempts: ${last.description}`,
    last.status,
  );
}
