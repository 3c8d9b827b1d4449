// The ARM `syncfunctiontriggers` call (plain HTTP, no Pulumi): tells a consumption plan's scale controller about the deployed triggers, then waits until ARM lists them.
// Serialized into the trigger-sync dynamic provider: plain functions and plain `Error`s only (see armClient.ts).
import {
  armError,
  armPoll,
  armRequest,
  excerpt,
  type ArmCallOptions,
  type ArmPollRound,
} from "./armClient";

/** The ARM API version of the Microsoft.Web/sites calls. */
export const syncTriggersApiVersion = "2024-04-01";

export interface SyncTriggersRequest {
  /** ARM id of the Function App: `/subscriptions/…/resourceGroups/…/providers/Microsoft.Web/sites/<name>`. */
  siteId: string;
  /** Bearer token for Resource Manager. */
  armToken: string;
  /**
   * Functions the package defines. A sync while the host cannot read the package yet (a role
   * assignment still propagating, the app restarting) succeeds with fewer functions; then the
   * sync is repeated until ARM lists them all.
   */
  expectedFunctions: number;
}

export interface SyncTriggersResult {
  /** Sync rounds (POST, then the listing) it took. */
  rounds: number;
  /** HTTP requests sent in all, retries included. */
  requests: number;
  elapsedMs: number;
  /** Functions ARM listed at the end. */
  functions: number;
}

const siteIdPattern =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Web\/sites\/[^/]+$/i;

/** Checks a Function App id; throws a plain, permanent error for anything else. */
export function assertSiteId(siteId: string): void {
  if (!siteIdPattern.test(siteId)) {
    throw armError(
      `not a Function App resource id: ${JSON.stringify(siteId)} (expected /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Web/sites/<name>)`,
      { status: 0, attempts: 0, elapsedMs: 0, reason: "permanent" },
    );
  }
}

/** The path of a site action below the ARM base URL, with its api-version. */
export function sitePath(siteId: string, action: string): string {
  assertSiteId(siteId);
  return `${siteId}/${action}?api-version=${syncTriggersApiVersion}`;
}

/** The site's name, the last segment of its id (for messages). */
export function siteName(siteId: string): string {
  return siteId.slice(siteId.lastIndexOf("/") + 1);
}

/** The number of functions in an ARM listing (`{ value: [...] }`); undefined for another shape. */
function listedCount(json: unknown): number | undefined {
  const value = (json as { value?: unknown } | undefined)?.value;
  return Array.isArray(value) ? value.length : undefined;
}

/**
 * POSTs `syncfunctiontriggers`, then checks that ARM lists every function of the package, and
 * repeats both while the listing lags; each request retries what waiting can fix (armClient.ts).
 * One window (default ~10 minutes) covers all of it. Rejects with a plain `Error` (ArmRequestError
 * fields) saying what was tried and what to do.
 */
export async function syncFunctionTriggers(
  request: SyncTriggersRequest,
  options: ArmCallOptions = {},
): Promise<SyncTriggersResult> {
  const syncPath = sitePath(request.siteId, "syncfunctiontriggers");
  const functionsPath = sitePath(request.siteId, "functions");
  const name = siteName(request.siteId);
  let requests = 0;
  const call = async (method: "GET" | "POST", path: string, purpose: string, deadline: number) => {
    try {
      const response = await armRequest({
        ...options,
        method,
        path,
        token: request.armToken,
        deadline,
        purpose,
      });
      requests += response.attempts;
      return response;
    } catch (error) {
      requests += (error as { attempts?: number }).attempts ?? 0;
      throw error;
    }
  };
  const round = async (deadline: number): Promise<ArmPollRound<number>> => {
    await call("POST", syncPath, `sync the triggers of ${name}`, deadline);
    const listed = await call("GET", functionsPath, `list the functions of ${name}`, deadline);
    const count = listedCount(listed.json);
    if (count !== undefined && count >= request.expectedFunctions) {
      return { done: true, value: count };
    }
    return {
      done: false,
      status: listed.status,
      why:
        count === undefined
          ? `ARM answered the function listing with ${excerpt(listed.text)}`
          : `ARM lists ${count} of the package's ${request.expectedFunctions} functions (the host has not loaded the package yet)`,
    };
  };
  const polled = await armPoll({
    ...options,
    waitingFor: `ARM to list all ${request.expectedFunctions} functions of ${name} (each round syncs, then lists)`,
    advice:
      "The host has not loaded the package: check the app's logs (Application Insights, `func azure functionapp logstream`) for a start-up error, that its identity can read the deployment container, then rerun `pulumi up`.",
    round,
  });
  return {
    rounds: polled.rounds,
    requests,
    elapsedMs: polled.elapsedMs,
    functions: polled.value,
  };
}
