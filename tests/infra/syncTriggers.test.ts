// The trigger sync: the ARM calls (paths, auth, the listing check, retries) against the ARM simulator on a fake clock, and the dynamic provider's diff.
import { syncFunctionTriggers, syncTriggersApiVersion } from "../../infra/arm/syncFunctionTriggers";
import { triggerSyncProvider } from "../../infra/dynamic/triggerSync";
import {
  armAnswers,
  type ArmSimulator,
  playFunctionApp,
  testSiteId,
  useArmSimulator,
} from "./support/armSimulator";

const siteId = testSiteId;
const syncPath = `${siteId}/syncfunctiontriggers`;
const functionsPath = `${siteId}/functions`;

let simulator: ArmSimulator;

useArmSimulator((started) => (simulator = started));

function fakeClock() {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep: async (ms: number) => {
      waits.push(ms);
      now += ms;
    },
  };
}

const request = { siteId, armToken: "t0k", expectedFunctions: 6 };

function options(clock = fakeClock()) {
  return { baseUrl: simulator.baseUrl, now: clock.now, sleep: clock.sleep };
}

describe("syncFunctionTriggers", () => {
  test("POSTs syncfunctiontriggers with the bearer token, then checks ARM lists the functions", async () => {
    playFunctionApp(simulator, { siteId, functions: 6 });
    const result = await syncFunctionTriggers(request, options());
    expect(result).toMatchObject({ rounds: 1, requests: 2, functions: 6 });
    expect(simulator.requests).toEqual([
      expect.objectContaining({
        method: "POST",
        path: syncPath,
        apiVersion: syncTriggersApiVersion,
        authorization: "Bearer t0k",
      }),
      expect.objectContaining({
        method: "GET",
        path: functionsPath,
        apiVersion: syncTriggersApiVersion,
        authorization: "Bearer t0k",
      }),
    ]);
  });

  test("syncs again while the host lists fewer functions than the package has", async () => {
    playFunctionApp(simulator, { siteId, functions: 6, listingLag: 1 });
    const clock = fakeClock();
    await expect(syncFunctionTriggers(request, options(clock))).resolves.toMatchObject({
      rounds: 2,
      requests: 4,
    });
    expect(clock.waits).toEqual([5_000]);
    expect(simulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST ${syncPath}`,
      `GET ${functionsPath}`,
      `POST ${syncPath}`,
      `GET ${functionsPath}`,
    ]);
  });

  test("retries 5xx with doubling waits up to a ceiling, then succeeds", async () => {
    playFunctionApp(simulator, {
      siteId,
      functions: 6,
      syncFailures: [503, 502, 500, 500].map((status) => armAnswers.serverError(status)),
    });
    const clock = fakeClock();
    const result = await syncFunctionTriggers(request, {
      ...options(clock),
      retry: { firstDelayMs: 100, maxDelayMs: 300 },
    });
    expect(result).toMatchObject({ rounds: 1, requests: 6 });
    expect(clock.waits).toEqual([100, 200, 300, 300]);
  });

  test("fails at once on a client error, with status and ARM's words", async () => {
    playFunctionApp(simulator, {
      siteId,
      functions: 6,
      syncFailures: [armAnswers.forbidden("Microsoft.Web/sites/syncfunctiontriggers/action")],
    });
    const failure = (await syncFunctionTriggers(request, options()).catch(
      (error: unknown) => error,
    )) as Error & {
      status: number;
    };
    expect(failure.status).toBe(403);
    expect(failure.message).toMatch(
      /syncfunctiontriggers \(to sync the triggers of cardpress-app1\) was refused: HTTP 403: AuthorizationFailed/,
    );
    expect(simulator.requests).toHaveLength(1);
  });

  test("gives up when the window runs out, saying how many attempts were made and what went wrong", async () => {
    playFunctionApp(simulator, { siteId, functions: 6 });
    simulator.script("POST", syncPath, [armAnswers.serverError(500)]);
    const clock = fakeClock();
    await expect(
      syncFunctionTriggers(request, { ...options(clock), retry: { windowMs: 20_000 } }),
    ).rejects.toThrow(
      /still failing after 4 attempts over 20 s .*last answer HTTP 500: InternalServerError/,
    );
  });

  test("retries network errors too", async () => {
    playFunctionApp(simulator, { siteId, functions: 6, syncFailures: [armAnswers.dropped()] });
    await expect(syncFunctionTriggers(request, options())).resolves.toMatchObject({ requests: 3 });
  });

  test("refuses anything but a Function App id, sending nothing", async () => {
    await expect(
      syncFunctionTriggers({ ...request, siteId: "cardpress-app1" }, options()),
    ).rejects.toThrow(/not a Function App resource id: "cardpress-app1"/);
    expect(simulator.requests).toHaveLength(0);
  });
});

describe("trigger sync provider", () => {
  const inputs = {
    siteId,
    packageHash: "hash-1",
    triggersHash: "t-1",
    armToken: "token-1",
    expectedFunctions: 2,
  };
  const olds = {
    siteId,
    packageHash: "hash-1",
    triggersHash: "t-1",
    syncedAt: "",
    attempts: 1,
    requests: 2,
    elapsedMs: 0,
  };

  test("a new ARM token alone does not sync again", async () => {
    const diff = await triggerSyncProvider.diff?.("id", olds, { ...inputs, armToken: "token-2" });
    expect(diff?.changes).toBe(false);
  });

  test("a new package, site or trigger input syncs again; so does a state from before triggersHash", async () => {
    const changes = async (news: typeof inputs, old: Partial<typeof olds> = olds) =>
      (await triggerSyncProvider.diff?.("id", old as typeof olds, news))?.changes;
    expect(await changes({ ...inputs, packageHash: "hash-2" })).toBe(true);
    expect(await changes({ ...inputs, siteId: `${siteId}x` })).toBe(true);
    expect(await changes({ ...inputs, triggersHash: "t-2" })).toBe(true);
    const beforeTriggersHash: Partial<typeof olds> = { ...olds };
    delete beforeTriggersHash.triggersHash;
    expect(await changes(inputs, beforeTriggersHash)).toBe(true);
  });
});
