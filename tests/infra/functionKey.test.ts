// The function-key provider as the Pulumi engine runs it (serialized), against a local ARM simulator: the key read once the host is up, through the same retries, never leaking other keys.
import { functionKeyProvider } from "../../infra/dynamic/functionKey";
import {
  armAnswers,
  type ArmSimulator,
  fastArmRetry,
  playFunctionApp,
  testSiteId,
  useArmSimulator,
} from "./support/armSimulator";
import { loadSerializedProvider } from "./support/serializedProvider";

const siteId = testSiteId;
const listKeysPath = `${siteId}/host/default/listkeys`;
const fastRetry = fastArmRetry;

type Provider = typeof functionKeyProvider;
let provider: Provider;
let simulator: ArmSimulator;

beforeAll(async () => {
  provider = await loadSerializedProvider(functionKeyProvider);
});

useArmSimulator((started) => (simulator = started));

function inputs(retry: Partial<typeof fastRetry> = {}) {
  return {
    siteId,
    deploymentHash: "deployment-1",
    armToken: "token-1",
    arm: { baseUrl: simulator.baseUrl, retry: { ...fastRetry, ...retry } },
  };
}

async function failureOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error as Error & Record<string, unknown>,
  );
  if (outcome === undefined) throw new Error("expected the provider to fail, it succeeded");
  return outcome;
}

test("reads the default key once the host answers: after host-runtime 400s, a 409 and a key list without it yet", async () => {
  playFunctionApp(simulator, {
    siteId,
    functions: 7,
    functionKey: "the-default-key",
    keyFailures: [armAnswers.hostRuntime400(), armAnswers.hostRuntime400(), armAnswers.conflict()],
    keysLag: 1,
  });
  const created = await provider.create(inputs());
  expect(created.id).toBe(`${siteId}/host/default/functionKeys/default`);
  expect(created.outs).toMatchObject({
    siteId,
    deploymentHash: "deployment-1",
    functionKey: "the-default-key",
    attempts: 2,
  });
  expect(created.outs).not.toHaveProperty("armToken");
  expect(simulator.requests.map((request) => `${request.method} ${request.path}`)).toEqual(
    Array.from({ length: 5 }, () => `POST ${listKeysPath}`),
  );
  for (const request of simulator.requests) {
    expect(request).toMatchObject({ authorization: "Bearer token-1", apiVersion: "2024-04-01" });
  }
});

test("a refusal to list keys is permanent and names the permission", async () => {
  playFunctionApp(simulator, {
    siteId,
    functions: 7,
    keyFailures: [armAnswers.forbidden("Microsoft.Web/sites/host/listkeys/action")],
  });
  const failure = await failureOf(provider.create(inputs()));
  expect(failure.message).toContain(`POST ${simulator.baseUrl}${listKeysPath}`);
  expect(failure.message).toContain("HTTP 403");
  expect(failure.message).toContain("Microsoft.Web/sites/host/listkeys/action");
  expect(failure.message).toContain("Website Contributor");
  expect(simulator.requests).toHaveLength(1);
});

test("a host that never writes its keys fails after the window, naming what it saw but no secret", async () => {
  playFunctionApp(simulator, { siteId, functions: 7, keysLag: 1_000 });
  const failure = await failureOf(provider.create(inputs({ windowMs: 300 })));
  expect(failure.message).toMatch(
    /still waiting for the function key "default" of cardpress-app1 after \d+ rounds over \d+ m?s: the host's key list has no function key "default" yet \(function keys listed: none\)/,
  );
  expect(failure.message).toContain("rerun `pulumi up`");
  expect(failure.message).not.toContain("simulated-master-key");
});

test("reads again for a new deployment or site, or when the state holds no key; not for a new token", async () => {
  const olds = {
    siteId,
    deploymentHash: "deployment-1",
    functionKey: "the-default-key",
    readAt: "2026-01-01T00:00:00.000Z",
    attempts: 1,
  };
  const news = { siteId, deploymentHash: "deployment-1", armToken: "token-1" };
  const changes = async (o: typeof olds, n: typeof news & { arm?: { baseUrl?: string } }) =>
    (await provider.diff?.("id", o, n))?.changes;
  expect(await changes(olds, { ...news, deploymentHash: "deployment-2" })).toBe(true);
  expect(await changes(olds, { ...news, siteId: `${siteId}x` })).toBe(true);
  expect(await changes({ ...olds, functionKey: "" }, news)).toBe(true);
  expect(await changes(olds, { ...news, armToken: "token-2", arm: { baseUrl: "http://x" } })).toBe(
    false,
  );
});
