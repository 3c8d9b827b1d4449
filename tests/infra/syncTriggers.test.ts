// The trigger sync: the ARM call (URL, auth, retries) and the dynamic provider, including its serialized form.
import * as pulumi from "@pulumi/pulumi";
import {
  SyncTriggersError,
  syncFunctionTriggers,
  syncTriggersApiVersion,
} from "../../infra/arm/syncFunctionTriggers";
import { triggerSyncProvider } from "../../infra/dynamic/triggerSync";

const siteId =
  "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg1/providers/Microsoft.Web/sites/cardpress-app1";
const expectedUrl = `https://management.azure.com${siteId}/syncfunctiontriggers?api-version=${syncTriggersApiVersion}`;

const functionsUrl = `https://management.azure.com${siteId}/functions?api-version=${syncTriggersApiVersion}`;

interface SeenRequest {
  url: string;
  method: string | undefined;
  authorization: string | undefined;
}

/** One scripted ARM answer: a status, and for a function listing how many functions it lists. */
type Answer = number | { listed: number };

/** A fetch that gives the scripted answers in turn and records what it was asked. */
function scriptedArm(answers: Answer[]): { fetchImpl: typeof fetch; seen: SeenRequest[] } {
  const seen: SeenRequest[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    seen.push({
      url: String(input),
      method: init?.method,
      authorization: headers.get("authorization") ?? undefined,
    });
    const answer = answers[seen.length - 1] ?? 500;
    if (typeof answer === "object") {
      return Response.json({ value: Array.from({ length: answer.listed }, (_, i) => ({ id: i })) });
    }
    return new Response(answer === 200 ? null : `status ${answer}`, { status: answer });
  }) as typeof fetch;
  return { fetchImpl, seen };
}

const request = { siteId, armToken: "t0k", expectedFunctions: 6 };
const noSleep = { sleep: async () => {} };
const syncCall = { url: expectedUrl, method: "POST", authorization: "Bearer t0k" };
const listCall = { url: functionsUrl, method: "GET", authorization: "Bearer t0k" };

describe("syncFunctionTriggers", () => {
  test("POSTs syncfunctiontriggers with the bearer token, then checks ARM lists the functions", async () => {
    const { fetchImpl, seen } = scriptedArm([200, { listed: 6 }]);
    await expect(syncFunctionTriggers(request, { fetchImpl })).resolves.toBe(1);
    expect(seen).toEqual([syncCall, listCall]);
  });

  test("syncs again while the host lists fewer functions than the package has", async () => {
    const { fetchImpl, seen } = scriptedArm([200, { listed: 0 }, 200, { listed: 6 }]);
    await expect(syncFunctionTriggers(request, { fetchImpl, ...noSleep })).resolves.toBe(2);
    expect(seen).toEqual([syncCall, listCall, syncCall, listCall]);
  });

  test("retries 5xx and 429 with doubling waits up to a ceiling, then succeeds", async () => {
    const { fetchImpl, seen } = scriptedArm([503, 429, 502, 500, 200, { listed: 6 }]);
    const waits: number[] = [];
    const attempts = await syncFunctionTriggers(request, {
      fetchImpl,
      firstDelayMs: 100,
      maxDelayMs: 300,
      sleep: async (ms) => void waits.push(ms),
    });
    expect(attempts).toBe(5);
    expect(seen).toHaveLength(6);
    expect(waits).toEqual([100, 200, 300, 300]);
  });

  test("fails at once on a client error, with status and body", async () => {
    const { fetchImpl, seen } = scriptedArm([403]);
    const failure = await syncFunctionTriggers(request, { fetchImpl, ...noSleep }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(SyncTriggersError);
    expect((failure as SyncTriggersError).status).toBe(403);
    expect((failure as SyncTriggersError).message).toMatch(
      /syncfunctiontriggers: HTTP 403: status 403/,
    );
    expect(seen).toHaveLength(1);
  });

  test("gives up after the last attempt, saying how many were made and what went wrong", async () => {
    const { fetchImpl, seen } = scriptedArm([500, 200, { listed: 2 }, 500]);
    await expect(
      syncFunctionTriggers(request, { fetchImpl, attempts: 3, ...noSleep }),
    ).rejects.toThrow(/still failing after 3 attempts: POST .*syncfunctiontriggers: HTTP 500/);
    expect(seen).toHaveLength(4);
    const listedShort = scriptedArm([200, { listed: 2 }]);
    await expect(
      syncFunctionTriggers(request, { fetchImpl: listedShort.fetchImpl, attempts: 1 }),
    ).rejects.toThrow(/ARM lists 2 of the package's 6 functions/);
  });

  test("retries network errors too", async () => {
    let calls = 0;
    const flaky = (async () => {
      calls += 1;
      if (calls === 1) throw new TypeError("fetch failed");
      return calls === 2
        ? new Response(null, { status: 200 })
        : Response.json({ value: [1, 2, 3, 4, 5, 6] });
    }) as typeof fetch;
    await expect(syncFunctionTriggers(request, { fetchImpl: flaky, ...noSleep })).resolves.toBe(2);
  });

  test("refuses anything but a Function App id", async () => {
    const { fetchImpl, seen } = scriptedArm([200]);
    await expect(
      syncFunctionTriggers({ ...request, siteId: "cardpress-app1" }, { fetchImpl }),
    ).rejects.toThrow(/not a Function App resource id/);
    expect(seen).toHaveLength(0);
  });
});

describe("trigger sync provider", () => {
  const inputs = { siteId, packageHash: "hash-1", armToken: "token-1", expectedFunctions: 2 };

  test("a new ARM token alone does not sync again", async () => {
    const diff = await triggerSyncProvider.diff?.(
      "id",
      { ...inputs, syncedAt: "", attempts: 1 },
      {
        ...inputs,
        armToken: "token-2",
      },
    );
    expect(diff?.changes).toBe(false);
  });

  test("a new package or a new site syncs again", async () => {
    const olds = { ...inputs, syncedAt: "", attempts: 1 };
    expect(
      (await triggerSyncProvider.diff?.("id", olds, { ...inputs, packageHash: "hash-2" }))?.changes,
    ).toBe(true);
    expect(
      (await triggerSyncProvider.diff?.("id", olds, { ...inputs, siteId: `${siteId}x` }))?.changes,
    ).toBe(true);
  });

  test("its serialized form (what the Pulumi engine runs) calls ARM through the global fetch", async () => {
    const serialized = await pulumi.runtime.serializeFunction(() => triggerSyncProvider, {
      allowSecrets: true,
    });
    const module = { exports: {} as { handler?: () => pulumi.dynamic.ResourceProvider } };
    new Function("exports", "module", "require", serialized.text)(module.exports, module, require);
    const provider = module.exports.handler?.();
    const { fetchImpl, seen } = scriptedArm([200, { listed: 2 }]);
    const realFetch = globalThis.fetch;
    globalThis.fetch = fetchImpl;
    try {
      const created = await provider?.create(inputs);
      expect(created?.id).toBe(`${siteId}/syncfunctiontriggers`);
      expect(created?.outs).toMatchObject({ siteId, packageHash: "hash-1", attempts: 1 });
      expect(created?.outs).not.toHaveProperty("armToken");
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(seen).toEqual([
      { ...syncCall, authorization: "Bearer token-1" },
      { ...listCall, authorization: "Bearer token-1" },
    ]);
  });
});
