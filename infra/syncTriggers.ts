// The ARM `syncfunctiontriggers` call: tells a consumption plan's scale controller about a new package's triggers.

/** The ARM API version of the call (Microsoft.Web/sites). */
export const syncTriggersApiVersion = "2024-04-01";

export interface SyncTriggersRequest {
  /** ARM id of the Function App: `/subscriptions/…/resourceGroups/…/providers/Microsoft.Web/sites/<name>`. */
  siteId: string;
  /** Bearer token for https://management.azure.com/. */
  armToken: string;
}

export interface SyncTriggersOptions {
  /** Injected for tests; the global `fetch` otherwise. */
  fetchImpl?: typeof fetch;
  /** Attempts in all; the host may still be starting on a fresh app or a new package. */
  attempts?: number;
  /** Wait before the second attempt; doubled for each further one. */
  firstDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Thrown when ARM refuses the call for good or keeps failing; carries the status and body. */
export class SyncTriggersError extends Error {
  override name = "SyncTriggersError";
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export function syncTriggersUrl(siteId: string): string {
  if (
    !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Web\/sites\/[^/]+$/i.test(
      siteId,
    )
  ) {
    throw new SyncTriggersError(`not a Function App resource id: ${JSON.stringify(siteId)}`, 0);
  }
  return `https://management.azure.com${siteId}/syncfunctiontriggers?api-version=${syncTriggersApiVersion}`;
}

/** 429 and 5xx are worth another try (the host restarting after a settings change answers 5xx). */
function isTransient(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * POSTs `syncfunctiontriggers`, retrying transient failures with exponential back-off. Resolves
 * with the number of attempts it took.
 */
export async function syncFunctionTriggers(
  request: SyncTriggersRequest,
  options: SyncTriggersOptions = {},
): Promise<number> {
  const {
    fetchImpl = fetch,
    attempts = 6,
    firstDelayMs = 5_000,
    sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  } = options;
  const url = syncTriggersUrl(request.siteId);
  let lastFailure = "";
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    if (attempt > 1) await sleep(firstDelayMs * 2 ** (attempt - 2));
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: "POST",
        headers: { Authorization: `Bearer ${request.armToken}`, "Content-Length": "0" },
      });
    } catch (error) {
      lastFailure = `network error: ${(error as Error).message}`;
      continue;
    }
    if (response.ok) return attempt;
    const body = await response.text();
    lastFailure = `HTTP ${response.status}: ${body.slice(0, 500)}`;
    if (!isTransient(response.status)) {
      throw new SyncTriggersError(
        `syncfunctiontriggers for ${request.siteId} failed: ${lastFailure}`,
        response.status,
      );
    }
  }
  throw new SyncTriggersError(
    `syncfunctiontriggers for ${request.siteId} still failing after ${attempts} attempts: ${lastFailure}`,
    0,
  );
}
