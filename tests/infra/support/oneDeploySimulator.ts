// ARM simulator routes for One Deploy on a Flex Consumption app: the PUT, the deployment status it is polled through, the function listing after it.
import type { ArmSimulator, SimulatedAnswer } from "./armSimulator";

export interface OneDeployScript {
  /** ARM id of the site. */
  siteId: string;
  /** Functions the host lists once the deployment succeeded. */
  functions: number;
  /** Answers to the PUT before it is accepted (each played once). */
  startFailures?: SimulatedAnswer[];
  /** The latest deployment before ours, as the status route shows it until the PUT is accepted. */
  previousDeploymentId?: string;
  /** Status reads after the PUT that still show the previous deployment (ARM has not caught up). */
  staleStatusPolls?: number;
  /** Status reads that show our deployment running before it completes. */
  runningPolls?: number;
  /** How ours ends: success, or failed with Kudu's status text. */
  outcome?: "success" | { failed: string };
  /** The first accepted deployment fails with this status text; the next ones end as `outcome`. */
  firstFailsWith?: string;
  /**
   * Accept the PUT with 202 and an `Azure-AsyncOperation` header, whose operation reads
   * `InProgress` this many times before `Succeeded` (or `Failed` when the outcome is a failure).
   */
  asyncOperationPolls?: number;
  /** Id of our deployment record. */
  deploymentId?: string;
}

/** Kudu's deployment record as ARM relays it (under `properties`). */
function record(
  id: string,
  status: number,
  complete: boolean,
  statusText: string,
): SimulatedAnswer {
  return {
    status: 200,
    body: {
      id: `/deployments/${id}`,
      name: id,
      properties: {
        id,
        status,
        complete,
        status_text: statusText,
        log_url: `https://app.scm.azurewebsites.net/api/deployments/${id}/log`,
      },
    },
  };
}

/** The storage 403 One Deploy relays as a 400 while the app identity's roles propagate. */
export function storageForbiddenIn400(): SimulatedAnswer {
  return {
    status: 400,
    body: {
      Code: "BadRequest",
      Message:
        "Failed to upload the package to the deployment storage: Status: 403 (This request is not authorized to perform this operation using this permission.) ErrorCode: AuthorizationPermissionMismatch",
    },
  };
}

/** Routes One Deploy onto `simulator` and returns what it saw (the PUT bodies). */
export function playOneDeploy(
  simulator: ArmSimulator,
  script: OneDeployScript,
): { putBodies: unknown[] } {
  const state = {
    accepted: 0,
    statusPolls: 0,
    succeeded: false,
    operationPolls: 0,
  };
  const putBodies: unknown[] = [];
  const startFailures = script.startFailures ?? [];
  const ours = script.deploymentId ?? "deployment-2";
  const outcome = script.outcome ?? "success";
  const operationPath = `${script.siteId}/operations/onedeploy-1`;

  simulator.route("PUT", `${script.siteId}/extensions/onedeploy`, (request, call) => {
    putBodies.push(JSON.parse(request.body) as unknown);
    const failure = startFailures[call - 1];
    if (failure) return failure;
    state.accepted += 1;
    state.statusPolls = 0;
    if (script.asyncOperationPolls === undefined) return { status: 200, body: {} };
    return {
      status: 202,
      headers: {
        "Azure-AsyncOperation": `http://127.0.0.1${operationPath}?api-version=2024-04-01`,
      },
    };
  });
  simulator.route("GET", operationPath, () => {
    state.operationPolls += 1;
    if (state.operationPolls <= (script.asyncOperationPolls ?? 0)) {
      return { status: 200, body: { status: "InProgress" } };
    }
    if (outcome === "success") return { status: 200, body: { status: "Succeeded" } };
    return { status: 200, body: { status: "Failed", error: { message: outcome.failed } } };
  });
  simulator.route("GET", `${script.siteId}/extensions/onedeploy`, () => {
    if (state.accepted === 0) {
      return script.previousDeploymentId
        ? record(script.previousDeploymentId, 4, true, "Deployment successful.")
        : { status: 404, body: { error: { code: "NotFound", message: "No deployment found." } } };
    }
    state.statusPolls += 1;
    const stale = script.staleStatusPolls ?? 0;
    if (state.statusPolls <= stale && script.previousDeploymentId) {
      return record(script.previousDeploymentId, 4, true, "Deployment successful.");
    }
    if (state.statusPolls <= stale + (script.runningPolls ?? 0)) {
      return record(ours, 1, false, "Building and deploying the package");
    }
    if (state.accepted === 1 && script.firstFailsWith !== undefined) {
      return record(`${ours}-first`, 3, true, script.firstFailsWith);
    }
    if (outcome === "success") {
      state.succeeded = true;
      return record(ours, 4, true, "Deployment successful.");
    }
    return record(ours, 3, true, outcome.failed);
  });
  simulator.route("GET", `${script.siteId}/functions`, () => {
    const value = Array.from({ length: state.succeeded ? script.functions : 0 }, (_, index) => ({
      id: `${script.siteId}/functions/function${index + 1}`,
      name: `function${index + 1}`,
    }));
    return { status: 200, body: { value } };
  });
  return { putBodies };
}
