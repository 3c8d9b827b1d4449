// The trigger sync: the ARM call (URL, auth, retries) and the dynamic provider, including its serialized form.
import * as pulumi from "@pulumi/pulumi";
import {
  SyncTriggersError,
  syncFunctionTriggers,
  syncTriggersApiVersion,
} from "../../infra/syncTriggers";
import { triggerSyncProvider } from "../../infra/triggerSync";

const siteId =
  "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg1/providers/Microsoft.Web/sites/cardpress-app1";
const expectedUrl = `https://management.azure.com${siteId}/syncfunctiontriggers?api-version=${syncTriggersApiVersion}`;

interface SeenRequest {
  url: string;
  method: string | undefined;
  authorization: string | undefined;
}

/** A fetch that answers with the given statuses in turn and records what it was asked. */
function scriptedFetch(statuses: number[]): { fetchImpl: typeof fetch; seen: SeenRequest[] } {
  const seen: SeenRequest[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    seen.push({
      url: String(input),
      method: init?.method,
      authorization: headers.get("authorization") ?? undefined,
    });
    const status = statuses[seen.length - 1] ?? 500;
    return new Response(status === 200 ? null : `status ${status}`, { status });
  }) as typeof fetch;
  return { fetchImpl, seen };
}

const noSleep = { sleep: async () => {} };

describe("syncFunctionTriggers", () => {
  test("POSTs syncfunctiontriggers on the site with the bearer token", async () => {
    const { fetchImpl, seen } = scriptedFetch([200]);
    await expect(syncFunctionTriggers({ siteId, armToken: "t0k" }, { fetchImpl })).resolves.toBe(1);
    expect(seen).toEqual([{ url: expectedUrl, method: "POST", authorization: "Bearer t0k" }]);
  });

  test("retries 5xx and 429 with doubling waits, then succeeds", async () => {
    const { fetchImpl, seen } = scriptedFetch([503, 429, 502, 200]);
    const waits: number[] = [];
    const attempts = await syncFunctionTriggers(
      { siteId, armToken: "t" },
      { fetchImpl, firstDelayMs: 100, sleep: async (ms) => void waits.push(ms) },
    );
    expect(attempts).toBe(4);
    expect(seen).toHaveLength(4);
    expect(waits).toEqual([100, 200, 400]);
  });

  test("fails at once on a client error, with status and body", async () => {
    const { fetchImpl, seen } = scriptedFetch([403]);
    const failure = await syncFunctionTriggers(
      { siteId, armToken: "t" },
      { fetchImpl, ...noSleep },
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SyncTriggersError);
    expect((failure as SyncTriggersError).status).toBe(403);
    expect((failure as SyncTriggersError).message).toMatch(/HTTP 403: status 403/);
    expect(seen).toHaveLength(1);
  });

  test("gives up after the last attempt, saying how many were made", async () => {
    const { fetchImpl, seen } = scriptedFetch([500, 500, 500]);
    await expect(
      syncFunctionTriggers({ siteId, armToken: "t" }, { fetchImpl, attempts: 3, ...noSleep }),
    ).rejects.toThrow(/still failing after 3 attempts: HTTP 500/);
    expect(seen).toHaveLength(3);
  });

  test("retries network errors too", async () => {
    let calls = 0;
    const flaky = (async () => {
      calls += 1;
      if (calls === 1) throw new TypeError("fetch failed");
      return new Response(null, { status: 200 });
    }) as typeof fetch;
    await expect(
      syncFunctionTriggers({ siteId, armToken: "t" }, { fetchImpl: flaky, ...noSleep }),
    ).resolves.toBe(2);
  });

  test("refuses anything but a Function App id", async () => {
    const { fetchImpl, seen } = scriptedFetch([200]);
    await expect(
      syncFunctionTriggers({ siteId: "cardpress-app1", armToken: "t" }, { fetchImpl }),
    ).rejects.toThrow(/not a Function App resource id/);
    expect(seen).toHaveLength(0);
  });
});

describe("trigger sync provider", () => {
  const inputs = { siteId, packageHash: "hash-1", armToken: "token-1" };

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
    const { fetchImpl, seen } = scriptedFetch([200]);
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
    expect(seen).toEqual([{ url: expectedUrl, method: "POST", authorization: "Bearer token-1" }]);
  });
});
