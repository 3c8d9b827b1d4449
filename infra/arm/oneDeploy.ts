// One Deploy through ARM (Flex Consumption's only deployment method): start it, follow it to completion, wait until the host lists the package's functions.
//
// Runs inside a Pulumi dynamic provider (infra/dynamic/oneDeploy.ts), serialized: the rules of
// infra/arm/armClient.ts apply (no classes, plain `Error`s with fields, only the engine's globals).
//
// How completion is detected, and what is uncertain (nothing here could be tried against Azure):
// - `PUT {siteId}/extensions/onedeploy` is ARM's proxy to the app's One Deploy endpoint
//   (`/api/publish`, Kudu). Its answer is not documented beyond "200 object" (azure-rest-api-specs,
//   `WebApps_CreateOneDeployOperation`). If it carries ARM's asynchronous-operation headers
//   (`Azure-AsyncOperation`, or `Location` with 202), they are followed first, as every ARM client does.
// - Then `GET {siteId}/extensions/onedeploy` (`WebApps_GetOneDeployStatus`, "the deployment status
//   for the site") is polled until the latest deployment record is complete. Its body is taken to be
//   Kudu's deployment record (`id`, `status` 3 failed / 4 success, `complete`, `status_text`,
//   `log_url`), directly, under `properties`, or as the first entry of `value`. A record that was
//   already there before the PUT is never taken for ours. [M: the shape is Kudu's documented
//   `/api/deployments/latest`, which the CLI and Visual Studio poll; ARM's relay of it is not documented.]
// - Last, `GET {siteId}/functions` must list every function of the package: the same proof of a
//   running host the Linux Consumption path uses before the function key is read.
import {
  armError,
  armPoll,
  armRequest,
  backoffDelay,
  defaultArmRetryPolicy,
  excerpt,
  type ArmAnswer,
  type ArmCallOptions,
  type ArmPollRound,
  type ArmResponse,
} from "./armClient";
import { sitePath, siteName, syncTriggersApiVersion } from "./syncFunctionTriggers";

/** The Microsoft.Web API version of every call here (`sitePath`'s; AZURE.md names it for One Deploy). */
export const oneDeployApiVersion = syncTriggersApiVersion;

export interface OneDeployRequest {
  /** ARM id of the Function App. */
  siteId: string;
  /** Where One Deploy downloads the zip from: the package blob's URL with a short read-only SAS. */
  packageUri: string;
  /** Bearer token for Resource Manager (the deploying identity: Entra, no basic auth). */
  armToken: string;
  /** Functions the package defines; done once ARM lists this many. */
  expectedFunctions: number;
}

export interface OneDeployResult {
  /** Id of the deployment record, when ARM reported one. */
  deploymentId: string | undefined;
  /** Attempts the PUT took (role propagation, a starting host), plus one per deployment started again. */
  startAttempts: number;
  /** Status rounds until the deployment was complete and the functions listed. */
  rounds: number;
}

/** A deployment as Kudu records it: status 0–2 running, 3 failed, 4 success (Kudu `DeployStatus`). */
export interface DeploymentRecord {
  id: string | undefined;
  status: number | undefined;
  complete: boolean | undefined;
  provisioningState: string | undefined;
  statusText: string | undefined;
  logUrl: string | undefined;
}

const kuduFailed = 3;
const kuduSucceeded = 4;

/**
 * The storage 403 the first deployment can meet while the app identity's roles on the
 * deployment container propagate: One Deploy relays it as a 400 (AZURE.md, Flex details).
 */
export function isStorageAuthorizationFailure(answer: ArmAnswer): boolean {
  return (
    answer.status === 400 &&
    /\b403\b|AuthorizationPermissionMismatch|AuthorizationFailure|not authorized to perform this operation/i.test(
      answer.text,
    )
  );
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The latest deployment record in a status body, wherever ARM put it; undefined when there is none. */
export function readDeploymentRecord(body: unknown): DeploymentRecord | undefined {
  const outer = asRecord(body);
  if (!outer) return undefined;
  const list = outer.value;
  const candidate = Array.isArray(list) ? asRecord(list[0]) : outer;
  if (!candidate) return undefined;
  const inner = asRecord(candidate.properties) ?? candidate;
  const status = inner.status;
  const complete = inner.complete;
  const record: DeploymentRecord = {
    id: stringField(inner, "id") ?? stringField(candidate, "name"),
    status: typeof status === "number" ? status : undefined,
    complete: typeof complete === "boolean" ? complete : undefined,
    provisioningState: stringField(inner, "provisioningState"),
    statusText: stringField(inner, "status_text") ?? stringField(inner, "statusText"),
    logUrl: stringField(inner, "log_url") ?? stringField(inner, "logUrl"),
  };
  const saysAnything =
    record.id !== undefined ||
    record.status !== undefined ||
    record.complete !== undefined ||
    record.provisioningState !== undefined;
  return saysAnything ? record : undefined;
}

/** "running", "succeeded" or "failed", from whichever fields the record carries. */
export function deploymentOutcome(record: DeploymentRecord): "running" | "succeeded" | "failed" {
  const state = record.provisioningState?.toLowerCase();
  if (record.status === kuduFailed || state === "failed" || state === "canceled") return "failed";
  if (record.status === kuduSucceeded || state === "succeeded") return "succeeded";
  if (record.complete === true && record.status === undefined && state === undefined) {
    return "succeeded";
  }
  return "running";
}

interface Context {
  request: OneDeployRequest;
  options: ArmCallOptions;
  name: string;
}

/** A failed deployment: permanent (no retry helps), with the deployment's own message. */
function deploymentFailed(context: Context, detail: string, rounds: number): Error {
  const error = armError(
    `One Deploy to ${context.name} failed: ${detail}. Fix the package (\`npm run package\`, then check it starts with \`npm start\`) and rerun \`pulumi up\`.`,
    { status: 0, attempts: rounds, elapsedMs: 0, reason: "permanent" },
  );
  return Object.assign(error, { deploymentDetail: detail });
}

function get(
  context: Context,
  path: string,
  deadline: number,
  purpose: string,
): Promise<ArmResponse> {
  return armRequest({
    ...context.options,
    method: "GET",
    path,
    token: context.request.armToken,
    deadline,
    purpose,
  });
}

/** The id of the latest deployment before ours (none on a new app, or when ARM cannot say at once). */
async function previousDeploymentId(
  context: Context,
  statusPath: string,
): Promise<string | undefined> {
  try {
    const answer = await armRequest({
      ...context.options,
      method: "GET",
      path: statusPath,
      token: context.request.armToken,
      retry: { ...context.options.retry, windowMs: 0 },
    });
    return readDeploymentRecord(answer.json)?.id;
  } catch {
    return undefined;
  }
}

/** The path of an asynchronous-operation URL ARM handed back, below the base URL. */
function operationPath(context: Context, started: ArmResponse): string | undefined {
  const url =
    started.headers.get("azure-asyncoperation") ??
    (started.status === 202 ? started.headers.get("location") : null);
  if (!url) return undefined;
  const parsed = new URL(url, context.options.baseUrl ?? "https://management.azure.com");
  return `${parsed.pathname}${parsed.search}`;
}

/** Follows ARM's asynchronous-operation header of the PUT to its end, when it sent one. */
async function followAsyncOperation(context: Context, started: ArmResponse): Promise<number> {
  const path = operationPath(context, started);
  if (path === undefined) return 0;
  const round = async (deadline: number): Promise<ArmPollRound<true>> => {
    const answer = await get(context, path, deadline, `follow the deployment to ${context.name}`);
    const body = asRecord(answer.json);
    const status = typeof body?.status === "string" ? body.status : undefined;
    if (status !== undefined && /^(failed|canceled)$/i.test(status)) {
      const error = asRecord(body?.error);
      throw deploymentFailed(
        context,
        (error && stringField(error, "message")) ?? excerpt(answer.text),
        1,
      );
    }
    if (answer.status !== 202 && (status === undefined || /^succeeded$/i.test(status))) {
      return { done: true, value: true };
    }
    return {
      done: false,
      status: answer.status,
      why: `the operation is ${status ?? "still running"}`,
    };
  };
  const polled = await armPoll({
    ...context.options,
    waitingFor: `the One Deploy operation on ${context.name}`,
    advice: "Check the deployment in the portal (Deployment Center) and rerun `pulumi up`.",
    round,
  });
  return polled.rounds;
}

/** Polls the deployment record until ours is complete; a failed one rejects with Kudu's message. */
async function awaitDeployment(
  context: Context,
  statusPath: string,
  previousId: string | undefined,
): Promise<{ id: string | undefined; rounds: number }> {
  let rounds = 0;
  const round = async (deadline: number): Promise<ArmPollRound<string | undefined>> => {
    rounds += 1;
    const answer = await get(
      context,
      statusPath,
      deadline,
      `read the deployment status of ${context.name}`,
    );
    const record = readDeploymentRecord(answer.json);
    if (!record || (record.id !== undefined && record.id === previousId)) {
      return {
        done: false,
        status: answer.status,
        why: "ARM shows no record of this deployment yet",
      };
    }
    const outcome = deploymentOutcome(record);
    if (outcome === "failed") {
      const log = record.logUrl ? ` (log: ${record.logUrl})` : "";
      throw deploymentFailed(context, `${record.statusText ?? excerpt(answer.text)}${log}`, rounds);
    }
    if (outcome === "succeeded") return { done: true, value: record.id };
    return {
      done: false,
      status: answer.status,
      why: `deployment ${record.id ?? "(no id)"} is still running (status ${record.status ?? record.provisioningState ?? "unknown"}${record.statusText ? `: ${record.statusText}` : ""})`,
    };
  };
  const polled = await armPoll({
    ...context.options,
    waitingFor: `the One Deploy deployment to ${context.name} to complete`,
    advice:
      "Check the deployment in the portal (Deployment Center, its log) and rerun `pulumi up`.",
    round,
  });
  return { id: polled.value, rounds: polled.rounds };
}

/** Waits until ARM lists every function of the package: the host runs the new code. */
async function awaitFunctions(context: Context): Promise<number> {
  const path = sitePath(context.request.siteId, "functions");
  const expected = context.request.expectedFunctions;
  const round = async (deadline: number): Promise<ArmPollRound<number>> => {
    const answer = await get(context, path, deadline, `list the functions of ${context.name}`);
    const value = asRecord(answer.json)?.value;
    const count = Array.isArray(value) ? value.length : 0;
    if (count >= expected) return { done: true, value: count };
    return {
      done: false,
      status: answer.status,
      why: `ARM lists ${count} of the package's ${expected} functions (the host has not loaded the package yet)`,
    };
  };
  const polled = await armPoll({
    ...context.options,
    waitingFor: `ARM to list the ${expected} functions of ${context.name} after One Deploy`,
    advice:
      "The host has not loaded the package: check the app's logs (Application Insights) for a start-up error, then rerun `pulumi up`.",
    round,
  });
  return polled.rounds;
}

/** A failed deployment whose message is the storage 403 of role propagation: worth starting again. */
function isStorageAuthorizationError(error: unknown): boolean {
  const detail = (error as { deploymentDetail?: unknown } | undefined)?.deploymentDetail;
  return typeof detail === "string" && isStorageAuthorizationFailure({ status: 400, text: detail });
}

/** Starts a deployment (retrying what waiting fixes) and follows it to its end. */
async function deployOnce(
  context: Context,
  statusPath: string,
): Promise<{ id: string | undefined; startAttempts: number; rounds: number }> {
  const previousId = await previousDeploymentId(context, statusPath);
  const started = await armRequest({
    ...context.options,
    method: "PUT",
    path: statusPath,
    token: context.request.armToken,
    body: {
      properties: { packageUri: context.request.packageUri, type: "zip", remoteBuild: false },
    },
    purpose: `deploy the package to ${context.name} with One Deploy`,
    isRetryable: isStorageAuthorizationFailure,
    permissionHint:
      "the deploying identity may not deploy code to the app: grant it Website Contributor (or Contributor) on the Function App, wait a few minutes, and rerun `pulumi up`",
  });
  const operationRounds = await followAsyncOperation(context, started);
  const deployment = await awaitDeployment(context, statusPath, previousId);
  return {
    id: deployment.id,
    startAttempts: started.attempts,
    rounds: operationRounds + deployment.rounds,
  };
}

/**
 * Deploys the package with One Deploy and resolves once the deployment succeeded and ARM lists
 * the package's functions. The PUT is retried through the role-propagation window (armClient's
 * policy plus the storage 403 relayed as a 400); a deployment that fails with that storage 403
 * is started again within the same window; any other failed deployment rejects at once with its
 * message. Each polling stage has a window of its own. Errors are plain `Error`s (ArmRequestError).
 */
export async function oneDeploy(
  request: OneDeployRequest,
  options: ArmCallOptions = {},
): Promise<OneDeployResult> {
  const statusPath = sitePath(request.siteId, "extensions/onedeploy");
  const context: Context = { request, options, name: siteName(request.siteId) };
  const policy = { ...defaultArmRetryPolicy, ...options.retry };
  const now = options.now ?? Date.now;
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const restartUntil = now() + policy.windowMs;
  let startAttempts = 0;
  for (let starts = 1; ; starts += 1) {
    try {
      const deployed = await deployOnce(context, statusPath);
      const functionRounds = await awaitFunctions(context);
      return {
        deploymentId: deployed.id,
        startAttempts: startAttempts + deployed.startAttempts,
        rounds: deployed.rounds + functionRounds,
      };
    } catch (error) {
      if (!isStorageAuthorizationError(error) || now() >= restartUntil) throw error;
      startAttempts += 1;
      await sleep(Math.min(backoffDelay(policy, starts), Math.max(0, restartUntil - now())));
    }
  }
}
