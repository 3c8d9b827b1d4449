// The trigger-sync provider as the Pulumi engine runs it (serialized), against a local ARM simulator: retries through a fresh app's start, Retry-After, permanent refusals, the window running out, and what re-runs the sync.
import { triggerSyncProvider } from "../../infra/dynamic/triggerSync";
import {
  armAnswers,
  type ArmSimulator,
  fastArmRetry,
  playFunctionApp,
  type RecordedArmRequest,
  testSiteId,
  useArmSimulator,
} from "./support/armSimulator";
import { loadSerializedProvider } from "./support/serializedProvider";

const siteId = testSiteId;
const syncPath = `${siteId}/syncfunctiontriggers`;
const functionsPath = `${siteId}/functions`;

const fastRetry = fastArmRetry;

type Provider = typeof triggerSyncProvider;
let provider: Provider;
let simulator: ArmSimulator;

beforeAll(async () => {
  provider = await loadSerializedProvider(triggerSyncProvider);
});

useArmSimulator((started) => (simulator = started));

function inputs(retry: Partial<typeof fastRetry> = {}) {
  return {
    siteId,
    packageHash: "package-1",
    triggersHash: "triggers-1",
    armToken: "token-1",
    expectedFunctions: 7,
    arm: { baseUrl: simulator.baseUrl, retry: { ...fastRetry, ...retry } },
  };
}

/** What the provider threw (the engine prints its `message`; it must not be blank). */
async function failureOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error as Error & Record<string, unknown>,
  );
  if (outcome === undefined) throw new Error("expected the provider to fail, it succeeded");
  return outcome;
}

function gapsBetween(requests: RecordedArmRequest[]): number[] {
  return requests
    .slice(1)
    .map((request, index) => request.at - (requests[index] as RecordedArmRequest).at);
}

describe("the serialized trigger-sync provider against ARM", () => {
  test("a fresh app's host-runtime 400s are retried with back-off until the sync succeeds", async () => {
    playFunctionApp(simulator, {
      siteId,
      functions: 7,
      syncFailures: [
        armAnswers.hostRuntime400(),
        armAnswers.hostRuntime400(),
        armAnswers.hostRuntime400(),
      ],
    });
    const started = performance.now();
    const created = await provider.create(inputs());
    const elapsed = performance.now() - started;

    expect(created.id).toBe(`${siteId}/syncfunctiontriggers`);
    expect(created.outs).toMatchObject({
      siteId,
      packageHash: "package-1",
      triggersHash: "triggers-1",
      attempts: 1,
      requests: 5,
    });
    expect(created.outs).not.toHaveProperty("armToken");
    expect(simulator.requestsTo("POST", syncPath)).toHaveLength(4);
    expect(simulator.requestsTo("GET", functionsPath)).toHaveLength(1);
    // Back-off 20, 40, 80 ms between the four POSTs.
    expect(gapsBetween(simulator.requestsTo("POST", syncPath)).map((gap) => gap >= 15)).toEqual([
      true,
      true,
      true,
    ]);
    expect(elapsed).toBeGreaterThanOrEqual(130);
    expect(elapsed).toBeLessThan(3_000);
    for (const request of simulator.requests) {
      expect(request).toMatchObject({ authorization: "Bearer token-1", apiVersion: "2024-04-01" });
    }
  });

  test("409 on the sync, then 404 and a dropped connection on the listing, are all retried", async () => {
    playFunctionApp(simulator, {
      siteId,
      functions: 7,
      syncFailures: [armAnswers.conflict()],
      listingFailures: [armAnswers.notFound(), armAnswers.dropped()],
    });
    const created = await provider.create(inputs());
    expect(created.outs).toMatchObject({ attempts: 1, requests: 5 });
    expect(simulator.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      `POST ${syncPath}`,
      `POST ${syncPath}`,
      `GET ${functionsPath}`,
      `GET ${functionsPath}`,
      `GET ${functionsPath}`,
    ]);
  });

  test("a 429's Retry-After in seconds is waited, not the back-off", async () => {
    playFunctionApp(simulator, { siteId, functions: 7, syncFailures: [armAnswers.throttled("1")] });
    await provider.create(inputs());
    const [gap] = gapsBetween(simulator.requestsTo("POST", syncPath));
    expect(gap).toBeGreaterThanOrEqual(990);
    expect(gap).toBeLessThan(2_500);
  });

  test("a 429's Retry-After as an HTTP date is waited until that time", async () => {
    playFunctionApp(simulator, {
      siteId,
      functions: 7,
      syncFailures: [armAnswers.throttled(new Date(Date.now() + 2_000).toUTCString())],
    });
    await provider.create(inputs());
    const [gap] = gapsBetween(simulator.requestsTo("POST", syncPath));
    // HTTP dates have whole seconds: between one and two seconds from the answer.
    expect(gap).toBeGreaterThanOrEqual(900);
    expect(gap).toBeLessThan(3_000);
  });

  test("403 is permanent: one request, and a message naming the call, the status, ARM's words and the role to grant", async () => {
    playFunctionApp(simulator, {
      siteId,
      functions: 7,
      syncFailures: [armAnswers.forbidden("Microsoft.Web/sites/syncfunctiontriggers/action")],
    });
    const failure = await failureOf(provider.create(inputs()));
    expect(failure.message).toEqual(expect.any(String));
    expect(failure.message).toContain(`POST ${simulator.baseUrl}${syncPath}`);
    expect(failure.message).toContain("HTTP 403");
    expect(failure.message).toContain("AuthorizationFailed");
    expect(failure.message).toMatch(/Website Contributor .*on the Function App/);
    expect(failure).toMatchObject({
      name: "ArmRequestError",
      status: 403,
      reason: "permanent",
      attempts: 1,
    });
    expect(simulator.requests).toHaveLength(1);
  });

  test("401 is permanent and says to sign in again", async () => {
    playFunctionApp(simulator, { siteId, functions: 7, syncFailures: [armAnswers.unauthorized()] });
    const failure = await failureOf(provider.create(inputs()));
    expect(failure.message).toContain("HTTP 401");
    expect(failure.message).toContain("az login");
    expect(simulator.requests).toHaveLength(1);
  });

  test("a 400 that is not the host runtime's is permanent", async () => {
    playFunctionApp(simulator, { siteId, functions: 7, syncFailures: [armAnswers.badRequest()] });
    const failure = await failureOf(provider.create(inputs()));
    expect(failure.message).toMatch(/HTTP 400: .*InvalidRequestContent.*no retry can fix it/);
    expect(simulator.requests).toHaveLength(1);
  });

  test("a listing that lags behind the sync (and a starting host on it) makes it sync again until every function is listed", async () => {
    playFunctionApp(simulator, {
      siteId,
      functions: 7,
      listingFailures: [armAnswers.hostRuntime400()],
      listingLag: 2,
    });
    const created = await provider.create(inputs());
    expect(created.outs).toMatchObject({ attempts: 3, requests: 7 });
    expect(simulator.requestsTo("POST", syncPath)).toHaveLength(3);
  });

  test("when the window runs out, the message says what was tried, for how long, the last answer and what to do", async () => {
    playFunctionApp(simulator, { siteId, functions: 7 });
    simulator.script("POST", syncPath, [armAnswers.hostRuntime400()]);
    const started = performance.now();
    const failure = await failureOf(provider.create(inputs({ windowMs: 600 })));
    const elapsed = performance.now() - started;
    expect(failure.message).toMatch(
      new RegExp(
        `POST ${simulator.baseUrl}${syncPath} \\(to sync the triggers of cardpress-app1\\) still failing after \\d+ attempts over \\d+ m?s`,
      ),
    );
    expect(failure.message).toContain("last answer HTTP 400: ");
    expect(failure.message).toContain("from host runtime");
    expect(failure.message).toContain("rerun `pulumi up`");
    expect(failure).toMatchObject({ name: "ArmRequestError", status: 400, reason: "exhausted" });
    expect(failure.attempts).toBe(simulator.requests.length);
    expect(simulator.requests.length).toBeGreaterThanOrEqual(6);
    expect(elapsed).toBeGreaterThanOrEqual(600);
    expect(elapsed).toBeLessThan(2_500);
  });

  test("a listing that never completes fails after the window, saying how many functions ARM lists", async () => {
    playFunctionApp(simulator, { siteId, functions: 7, listingLag: 1_000 });
    const failure = await failureOf(provider.create(inputs({ windowMs: 400 })));
    expect(failure.message).toMatch(
      /still waiting for ARM to list all 7 functions of cardpress-app1 \(each round syncs, then lists\) after \d+ rounds over \d+ m?s: ARM lists 0 of the package's 7 functions/,
    );
    expect(failure.message).toContain("rerun `pulumi up`");
    expect(failure).toMatchObject({ reason: "exhausted", status: 200 });
  });

  test("update syncs with the new inputs, like create", async () => {
    playFunctionApp(simulator, {
      siteId,
      functions: 7,
      syncFailures: [armAnswers.serverError(503)],
    });
    const olds = {
      siteId,
      packageHash: "package-0",
      triggersHash: "triggers-0",
      syncedAt: "",
      attempts: 1,
      requests: 2,
      elapsedMs: 0,
    };
    const updated = await provider.update?.(`${siteId}/syncfunctiontriggers`, olds, inputs());
    expect(updated?.outs).toMatchObject({
      packageHash: "package-1",
      triggersHash: "triggers-1",
      requests: 3,
    });
  });
});

describe("what makes the serialized provider sync again", () => {
  const olds = {
    siteId,
    packageHash: "package-1",
    triggersHash: "triggers-1",
    syncedAt: "2026-01-01T00:00:00.000Z",
    attempts: 1,
    requests: 2,
    elapsedMs: 10,
  };
  const news = {
    siteId,
    packageHash: "package-1",
    triggersHash: "triggers-1",
    armToken: "token-1",
    expectedFunctions: 7,
  };

  test("a change to what shapes the triggers (a new PRUNE_SCHEDULE, another connection), the package or the site syncs again; a new token, ARM address or retry policy alone does not", async () => {
    expect(
      (await provider.diff?.("id", olds, { ...news, triggersHash: "triggers-2" }))?.changes,
    ).toBe(true);
    expect(
      (await provider.diff?.("id", olds, { ...news, packageHash: "package-2" }))?.changes,
    ).toBe(true);
    expect((await provider.diff?.("id", olds, { ...news, siteId: `${siteId}x` }))?.changes).toBe(
      true,
    );
    expect(
      (
        await provider.diff?.("id", olds, {
          ...news,
          armToken: "token-2",
          arm: { baseUrl: "http://127.0.0.1:1", retry: { windowMs: 1 } },
        })
      )?.changes,
    ).toBe(false);
  });
});
