// The ARM `host/default/listkeys` call (plain HTTP, no Pulumi): reads a Function App's function key once its host has created the keys.
// Serialized into the function-key dynamic provider: plain functions and plain `Error`s only (see armClient.ts).
import { armPoll, armRequest, type ArmCallOptions, type ArmPollRound } from "./armClient";
import { sitePath, siteName } from "./syncFunctionTriggers";

export interface FunctionKeyRequest {
  /** ARM id of the Function App. */
  siteId: string;
  /** Bearer token for Resource Manager. */
  armToken: string;
  /** The host-level function key to read; `default` is the one every app has. */
  keyName?: string;
}

export interface FunctionKeyResult {
  key: string;
  rounds: number;
  elapsedMs: number;
}

/** `functionKeys[keyName]` of a listkeys answer, if it is a non-empty string. */
function functionKeyOf(json: unknown, keyName: string): string | undefined {
  const keys = (json as { functionKeys?: Record<string, unknown> | null } | undefined)
    ?.functionKeys;
  const key = keys?.[keyName];
  return typeof key === "string" && key !== "" ? key : undefined;
}

/** The names in a listkeys answer's `functionKeys`, for a message. */
function keyNames(json: unknown): string {
  const keys = (json as { functionKeys?: Record<string, unknown> | null } | undefined)
    ?.functionKeys;
  const names = keys && typeof keys === "object" ? Object.keys(keys) : [];
  return names.length === 0 ? "none" : names.join(", ");
}

/**
 * POSTs `host/default/listkeys` and returns `functionKeys[keyName]`. A fresh host answers 400
 * "from host runtime" (retried by armRequest) or a key list without the key (asked again) until
 * it has started and written its keys to storage; one window covers both.
 */
export async function readFunctionKey(
  request: FunctionKeyRequest,
  options: ArmCallOptions = {},
): Promise<FunctionKeyResult> {
  const keyName = request.keyName ?? "default";
  const path = sitePath(request.siteId, "host/default/listkeys");
  const name = siteName(request.siteId);
  const round = async (deadline: number): Promise<ArmPollRound<string>> => {
    const response = await armRequest({
      ...options,
      method: "POST",
      path,
      token: request.armToken,
      deadline,
      purpose: `read the function keys of ${name}`,
      permissionHint:
        "the deploying identity may not list the app's keys (Microsoft.Web/sites/host/listkeys/action): grant it Website Contributor (or Contributor) on the Function App, wait a few minutes, and rerun `pulumi up`",
    });
    const key = functionKeyOf(response.json, keyName);
    if (key !== undefined) return { done: true, value: key };
    return {
      done: false,
      status: response.status,
      // Names only: the answer holds secrets (the master key) that must not reach a log.
      why: `the host's key list has no function key "${keyName}" yet (function keys listed: ${keyNames(response.json)})`,
    };
  };
  const polled = await armPoll({
    ...options,
    waitingFor: `the function key "${keyName}" of ${name}`,
    advice:
      "The host has not created its keys: check that it starts (its logs, Application Insights) and that its identity can write to the storage account's azure-webjobs-secrets container, then rerun `pulumi up`.",
    round,
  });
  return { key: polled.value, rounds: polled.rounds, elapsedMs: polled.elapsedMs };
}
