// One Deploy on Flex Consumption, run as the Pulumi engine runs it (the serialized provider) against the local ARM simulator: retries, polling, failures, what triggers a deployment.
import type * as pulumi from "@pulumi/pulumi";
import {
  deploymentOutcome,
  isStorageAuthorizationFailure,
  oneDeployApiVersion,
  readDeploymentRecord,
} from "../../infra/arm/oneDeploy";
import {
  oneDeployProvider,
  type OneDeployInputs,
  type OneDeployOutputs,
} from "../../infra/dynamic/oneDeploy";
import {
  armAnswers,
  type ArmSimulator,
  playFunctionApp,
  testSiteId,
  useArmSimulator,
} from "./support/armSimulator";
import { playOneDeploy, storageForbiddenIn400 } from "./support/oneDeploySimulator";
import { loadSerializedProvider } from "./support/serializedProvider";

const siteId = testSiteId;
const onedeployPath = `${siteId}/extensions/onedeploy`;
const packageUri =
  "https://acct1.blob.core.windows.net/deployments/functions-0123.zip?sv=2022-11-02&sr=b&sp=r&sig=abc";
/** Fast back-off: the retry behaviour is the same, only the waits are short. */
const fastRetry = { firstDelayMs: 5, maxDelayMs: 20, windowMs: 4_000 };

let simulator: ArmSimulator;
let provider: pulumi.dynamic.ResourceProvider<OneDeployInputs, OneDeployOutputs>;

function inputs(extra: Partial<OneDeployInputs> = {}): OneDeployInputs {
  return {
    siteId,
    packageHash: "hash-1",
    triggersHash: "triggers-1",
    packageUri,
    armToken: "token-1",
    expectedFunctions: 3,
    arm: { baseUrl: simulator.baseUrl, retry: fastRetry },
    ...extra,
  };
}

/** The message the engine would print for a rejection. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

beforeAll(async () => {
  provider = await loadSerializedProvider(oneDeployProvider);
});

useArmSimulator((started) => (simulator = started));

describe("the serialized One Deploy provider against the ARM simulator", () => {
  test("retries the PUT through role propagation (storage 403 in a 400, host-runtime 400), polls to completion, waits for the functions", async () => {
    const { putBodies } = playOneDeploy(simulator, {
      siteId,
      functions: 3,
      startFailures: [
        storageForbiddenIn400(),
        storageForbiddenIn400(),
        armAnswers.hostRuntime400(),
      ],
      runningPolls: 2,
    });
    const created = await provider.create(inputs());
    expect(created.id).toBe(`${siteId}/extensions/onedeploy`);
    expect(created.outs).toMatchObject({
      siteId,
      packageHash: "hash-1",
      triggersHash: "triggers-1",
      deploymentId: "deployment-2",
      startAttempts: 4,
    });
    expect(JSON.stringify(created.outs)).not.toContain("token-1");
    expect(JSON.stringify(created.outs)).not.toContain("sig=");
    // The documented request, four times: the body, the API version, the deployer's bearer token.
    expect(putBodies).toHaveLength(4);
    for (const body of putBodies) {
      expect(body).toEqual({ properties: { packageUri, type: "zip", remoteBuild: false } });
    }
    for (const request of simulator.requests) {
      expect(request.authorization).toBe("Bearer token-1");
      expect(request.apiVersion).toBe(oneDeployApiVersion);
    }
    // Polled until complete (two running reads, then success), then the listing.
    expect(simulator.requestsTo("GET", onedeployPath)).toHaveLength(1 + 3);
    expect(simulator.requestsTo("GET", `${siteId}/functions`).length).toBeGreaterThanOrEqual(1);
    const lastPut = simulator.requestsTo("PUT", onedeployPath).at(-1);
    const lastStatus = simulator.requestsTo("GET", onedeployPath).at(-1);
    expect(lastStatus?.at).toBeGreaterThan(lastPut?.at ?? Infinity);
  });

  test("a failed deployment is reported at once with its message and log, never retried", async () => {
    playOneDeploy(simulator, {
      siteId,
      functions: 3,
      runningPolls: 1,
      outcome: { failed: "Package deployment failed: host.json not found at the zip root" },
    });
    const error = await rejection(provider.create(inputs()));
    expect(error.message).toMatch(
      /^One Deploy to cardpress-app1 failed: Package deployment failed: host\.json not found at the zip root \(log: https:\/\/app\.scm\.azurewebsites\.net\/api\/deployments\/deployment-2\/log\)\. Fix the package/,
    );
    expect(error).toMatchObject({ reason: "permanent" });
    expect(simulator.requestsTo("PUT", onedeployPath)).toHaveLength(1);
    expect(simulator.requestsTo("GET", `${siteId}/functions`)).toHaveLength(0);
  });

  test("a deployment that fails on the storage 403 of role propagation is started again", async () => {
    playOneDeploy(simulator, {
      siteId,
      functions: 3,
      firstFailsWith:
        "Failed to upload the package to the deployment storage: Status: 403 (This request is not authorized to perform this operation using this permission.) ErrorCode: AuthorizationPermissionMismatch",
    });
    const created = await provider.create(inputs());
    expect(created.outs).toMatchObject({ deploymentId: "deployment-2", startAttempts: 2 });
    expect(simulator.requestsTo("PUT", onedeployPath)).toHaveLength(2);
  });

  test("follows ARM's Azure-AsyncOperation header when the PUT answers 202", async () => {
    playOneDeploy(simulator, { siteId, functions: 3, asyncOperationPolls: 2 });
    const created = await provider.create(inputs());
    expect(created.outs).toMatchObject({ deploymentId: "deployment-2" });
    expect(simulator.requestsTo("GET", `${siteId}/operations/onedeploy-1`)).toHaveLength(3);
  });

  test("a failed asynchronous operation is reported with ARM's error message", async () => {
    playOneDeploy(simulator, {
      siteId,
      functions: 3,
      asyncOperationPolls: 1,
      outcome: { failed: "The deployment package could not be downloaded from packageUri" },
    });
    const error = await rejection(provider.create(inputs()));
    expect(error.message).toContain(
      "One Deploy to cardpress-app1 failed: The deployment package could not be downloaded from packageUri",
    );
  });

  test("the previous deployment's record is never taken for the new one", async () => {
    playOneDeploy(simulator, {
      siteId,
      functions: 3,
      previousDeploymentId: "deployment-1",
      staleStatusPolls: 2,
      deploymentId: "deployment-2",
    });
    const created = await provider.create(inputs());
    expect(created.outs).toMatchObject({ deploymentId: "deployment-2" });
    // One read before the PUT, two stale reads after it, then ours.
    expect(simulator.requestsTo("GET", onedeployPath)).toHaveLength(4);
  });

  test("a 403 from ARM itself (the deployer's role) fails at once, saying which role to grant", async () => {
    playOneDeploy(simulator, {
      siteId,
      functions: 3,
      startFailures: [armAnswers.forbidden("Microsoft.Web/sites/extensions/write")],
    });
    const error = await rejection(provider.create(inputs()));
    expect(error.message).toContain(`PUT ${simulator.baseUrl}${onedeployPath}`);
    expect(error.message).toContain("HTTP 403");
    expect(error.message).toContain("Website Contributor");
    expect(simulator.requestsTo("PUT", onedeployPath)).toHaveLength(1);
  });

  test("storage 403s that outlast the window fail naming the attempts and the last answer", async () => {
    playOneDeploy(simulator, {
      siteId,
      functions: 3,
      startFailures: Array.from({ length: 1000 }, storageForbiddenIn400),
    });
    const started = performance.now();
    const error = await rejection(
      provider.create(
        inputs({ arm: { baseUrl: simulator.baseUrl, retry: { ...fastRetry, windowMs: 300 } } }),
      ),
    );
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(error.message).toMatch(/still failing after \d+ attempts/);
    expect(error.message).toContain("AuthorizationPermissionMismatch");
    expect(error).toMatchObject({ reason: "exhausted" });
    expect(simulator.requestsTo("PUT", onedeployPath).length).toBeGreaterThan(2);
  });
});

describe("what makes the provider deploy", () => {
  const olds: OneDeployOutputs = {
    siteId,
    packageHash: "hash-1",
    triggersHash: "triggers-1",
    deploymentId: "deployment-2",
    deployedAt: "2026-01-01T00:00:00.000Z",
    startAttempts: 1,
  };

  test("a new token or a new SAS alone changes nothing", async () => {
    const diff = await oneDeployProvider.diff?.(
      "id",
      olds,
      inputs({ armToken: "token-2", packageUri: `${packageUri}x` }),
    );
    expect(diff?.changes).toBe(false);
  });

  test("a new package, a new site or new trigger inputs change the resource", async () => {
    for (const changed of [
      { packageHash: "hash-2" },
      { siteId: `${siteId}x` },
      { triggersHash: "triggers-2" },
    ]) {
      expect((await oneDeployProvider.diff?.("id", olds, inputs(changed)))?.changes).toBe(true);
    }
  });

  test("new trigger inputs alone sync the triggers instead of redeploying the same package", async () => {
    playFunctionApp(simulator, { siteId, functions: 3 });
    const updated = await provider.update?.("id", olds, inputs({ triggersHash: "triggers-2" }));
    expect(updated?.outs).toMatchObject({
      packageHash: "hash-1",
      triggersHash: "triggers-2",
      deploymentId: "deployment-2",
    });
    expect(simulator.requestsTo("POST", `${siteId}/syncfunctiontriggers`)).toHaveLength(1);
    expect(simulator.requestsTo("PUT", onedeployPath)).toHaveLength(0);
  });

  test("a new package deploys again", async () => {
    playOneDeploy(simulator, { siteId, functions: 3 });
    const updated = await provider.update?.("id", olds, inputs({ packageHash: "hash-2" }));
    expect(updated?.outs).toMatchObject({ packageHash: "hash-2" });
    expect(simulator.requestsTo("PUT", onedeployPath)).toHaveLength(1);
  });
});

describe("reading ARM's answers", () => {
  test("the deployment record is found directly, under properties, or first in a list", () => {
    const kudu = { id: "d1", status: 4, complete: true, status_text: "", log_url: "https://l" };
    for (const body of [kudu, { properties: kudu }, { value: [{ properties: kudu }] }]) {
      expect(readDeploymentRecord(body)).toMatchObject({ id: "d1", status: 4, complete: true });
    }
    expect(readDeploymentRecord({})).toBeUndefined();
    expect(readDeploymentRecord({ value: [] })).toBeUndefined();
    expect(readDeploymentRecord("not json")).toBeUndefined();
  });

  test("Kudu's status codes and ARM's provisioning states decide the outcome", () => {
    const record = {
      id: "d1",
      status: undefined,
      complete: undefined,
      provisioningState: undefined,
      statusText: undefined,
      logUrl: undefined,
    };
    expect(deploymentOutcome({ ...record, status: 1, complete: false })).toBe("running");
    expect(deploymentOutcome({ ...record, status: 3, complete: true })).toBe("failed");
    expect(deploymentOutcome({ ...record, status: 4, complete: true })).toBe("succeeded");
    expect(deploymentOutcome({ ...record, provisioningState: "Failed" })).toBe("failed");
    expect(deploymentOutcome({ ...record, provisioningState: "Succeeded" })).toBe("succeeded");
    expect(deploymentOutcome({ ...record, provisioningState: "InProgress" })).toBe("running");
  });

  test("only a 400 carrying a storage authorization failure counts as role propagation", () => {
    const storage = storageForbiddenIn400();
    expect(isStorageAuthorizationFailure({ status: 400, text: JSON.stringify(storage.body) })).toBe(
      true,
    );
    expect(
      isStorageAuthorizationFailure({
        status: 400,
        text: JSON.stringify(armAnswers.badRequest().body),
      }),
    ).toBe(false);
    expect(
      isStorageAuthorizationFailure({ status: 403, text: "AuthorizationPermissionMismatch" }),
    ).toBe(false);
  });
});
