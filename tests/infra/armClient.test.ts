// The ARM client's retry policy against a local ARM simulator, on a fake clock: which answers are retried, for how long, with which waits, and what the errors say.
import {
  armRequest,
  defaultArmRetryPolicy,
  isRetryableArmAnswer,
  parseRetryAfter,
  type ArmRequest,
} from "../../infra/arm/armClient";
import { armAnswers, type ArmSimulator, useArmSimulator } from "./support/armSimulator";

const path =
  "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Web/sites/app1/syncfunctiontriggers";
const pathWithVersion = `${path}?api-version=2024-04-01`;

let simulator: ArmSimulator;

useArmSimulator((started) => (simulator = started));

/** A clock that only `sleep` moves: minutes of retries in milliseconds of test. */
function fakeClock(start = Date.parse("2026-03-01T12:00:00Z")) {
  let now = start;
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

function request(clock: ReturnType<typeof fakeClock>, extra: Partial<ArmRequest> = {}): ArmRequest {
  return {
    method: "POST",
    path: pathWithVersion,
    token: "t0k",
    baseUrl: simulator.baseUrl,
    now: clock.now,
    sleep: clock.sleep,
    ...extra,
  };
}

async function failureOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error as Error & Record<string, unknown>,
  );
  if (outcome === undefined) throw new Error("expected the request to fail, it succeeded");
  return outcome;
}

describe("the retry policy", () => {
  test("retries a starting host for ten minutes with capped exponential back-off, then says what it tried", async () => {
    simulator.script("POST", path, [armAnswers.hostRuntime400()]);
    const clock = fakeClock();
    const failure = await failureOf(
      armRequest(request(clock, { purpose: "sync the triggers of app1" })),
    );

    // 5, 10, 20, 40 s, then 60 s (the cap) while the window lasts, the last wait cut to end at 10 minutes.
    expect(clock.waits).toEqual([5_000, 10_000, 20_000, 40_000, ...Array(8).fill(60_000), 45_000]);
    expect(clock.waits.reduce((sum, wait) => sum + wait, 0)).toBe(defaultArmRetryPolicy.windowMs);
    expect(simulator.requests).toHaveLength(14);
    expect(failure).toMatchObject({
      name: "ArmRequestError",
      status: 400,
      attempts: 14,
      elapsedMs: 600_000,
      reason: "exhausted",
    });
    expect(failure.message).toBe(
      `POST ${simulator.baseUrl}${path} (to sync the triggers of app1) still failing after 14 attempts over 10 min` +
        " (retried: host-runtime 400, 404, 408, 409, 429, 5xx and network errors); last answer HTTP 400:" +
        " BadRequest: Encountered an error (InternalServerError) from host runtime. " +
        "The Function App's host has not become ready: check it in the portal (Diagnose and solve problems) or its logs, that its identity's roles on the storage account exist, then rerun `pulumi up` (it retries only what is not done).",
    );
  });

  test.each([
    ["host-runtime 400", armAnswers.hostRuntime400()],
    ["404", armAnswers.notFound()],
    ["409", armAnswers.conflict()],
    ["500", armAnswers.serverError(500)],
    ["503", armAnswers.serverError(503)],
    ["a dropped connection", armAnswers.dropped()],
  ])("%s is retried", async (_name, answer) => {
    simulator.script("POST", path, [answer, armAnswers.ok({ done: true })]);
    const clock = fakeClock();
    const response = await armRequest(request(clock));
    expect(response).toMatchObject({ status: 200, json: { done: true }, attempts: 2 });
    expect(clock.waits).toEqual([5_000]);
  });

  test.each([
    [
      "401",
      armAnswers.unauthorized(),
      /HTTP 401: .*ExpiredAuthenticationToken.*sign in again \(`az login`/,
    ],
    [
      "403",
      armAnswers.forbidden("Microsoft.Web/sites/syncfunctiontriggers/action"),
      /HTTP 403: .*AuthorizationFailed.*Website Contributor/,
    ],
    [
      "another 400",
      armAnswers.badRequest(),
      /HTTP 400: .*InvalidRequestContent.*no retry can fix it/,
    ],
  ])("%s is permanent: no retry, and what to do", async (_name, answer, message) => {
    simulator.script("POST", path, [answer, armAnswers.ok()]);
    const clock = fakeClock();
    const failure = await failureOf(armRequest(request(clock)));
    expect(failure.message).toMatch(message);
    expect(failure.message).toContain(`POST ${simulator.baseUrl}${path} was refused`);
    expect(failure).toMatchObject({ reason: "permanent", attempts: 1 });
    expect(clock.waits).toEqual([]);
    expect(simulator.requests).toHaveLength(1);
  });

  test("a caller's permission hint replaces the generic one", async () => {
    simulator.script("POST", path, [armAnswers.forbidden("x")]);
    const failure = await failureOf(
      armRequest(request(fakeClock(), { permissionHint: "grant the deployer Owner" })),
    );
    expect(failure.message).toMatch(/grant the deployer Owner$/);
  });

  test("Retry-After is honoured in seconds and as an HTTP date", async () => {
    const clock = fakeClock();
    simulator.script("POST", path, [
      armAnswers.throttled("17"),
      // Sent after the 17 s wait: 42 s from then.
      armAnswers.throttled(new Date(clock.now() + 17_000 + 42_000).toUTCString()),
      armAnswers.ok(),
    ]);
    await armRequest(request(clock));
    expect(clock.waits).toEqual([17_000, 42_000]);
  });

  test("a Retry-After beyond the window stops at once, saying so", async () => {
    simulator.script("POST", path, [armAnswers.throttled("3600"), armAnswers.ok()]);
    const clock = fakeClock();
    const failure = await failureOf(armRequest(request(clock)));
    expect(failure.message).toMatch(
      /still failing after 1 attempt over 0 ms .*ARM asked to wait 60 min more; last answer HTTP 429/,
    );
    expect(clock.waits).toEqual([]);
  });

  test("a caller may retry further answers (One Deploy's storage 403 relayed as a 400)", async () => {
    simulator.script("PUT", path, [
      { status: 400, body: "Failed to download package: 403 AuthorizationPermissionMismatch" },
      armAnswers.ok(),
    ]);
    const clock = fakeClock();
    const response = await armRequest(
      request(clock, {
        method: "PUT",
        body: { properties: { type: "zip" } },
        isRetryable: (answer) =>
          answer.status === 400 && answer.text.includes("AuthorizationPermissionMismatch"),
      }),
    );
    expect(response.attempts).toBe(2);
    expect(simulator.requests.map((recorded) => recorded.body)).toEqual([
      '{"properties":{"type":"zip"}}',
      '{"properties":{"type":"zip"}}',
    ]);
  });

  test("one deadline shared by several calls bounds them all", async () => {
    simulator.script("POST", path, [armAnswers.serverError(503)]);
    const clock = fakeClock();
    const deadline = clock.now() + 30_000;
    const failure = await failureOf(armRequest(request(clock, { deadline })));
    expect(clock.waits).toEqual([5_000, 10_000, 15_000]);
    expect(failure).toMatchObject({ attempts: 4, elapsedMs: 30_000, reason: "exhausted" });
  });

  test("an attempt that hangs is abandoned and retried", async () => {
    simulator.script("POST", path, [
      { ...armAnswers.ok(), delayMs: 2_000 },
      armAnswers.ok({ second: true }),
    ]);
    const clock = fakeClock();
    const response = await armRequest(request(clock, { retry: { attemptTimeoutMs: 100 } }));
    expect(response).toMatchObject({ json: { second: true }, attempts: 2 });
  });

  test("sends the bearer token and the path as given, and no body when there is none", async () => {
    simulator.script("POST", path, [armAnswers.ok()]);
    await armRequest(request(fakeClock()));
    expect(simulator.requests).toEqual([
      expect.objectContaining({
        method: "POST",
        path,
        apiVersion: "2024-04-01",
        authorization: "Bearer t0k",
        body: "",
      }),
    ]);
  });
});

describe("the policy's parts", () => {
  test("only a host-runtime 400 is worth waiting for among 400s", () => {
    expect(
      isRetryableArmAnswer({
        status: 400,
        text: "Encountered an error (InternalServerError) from host runtime.",
      }),
    ).toBe(true);
    expect(isRetryableArmAnswer({ status: 400, text: "The request content was invalid." })).toBe(
      false,
    );
    expect(
      [401, 403, 405, 422].map((status) => isRetryableArmAnswer({ status, text: "" })),
    ).toEqual([false, false, false, false]);
    expect(
      [404, 408, 409, 429, 500, 502, 503, 504].every((status) =>
        isRetryableArmAnswer({ status, text: "" }),
      ),
    ).toBe(true);
  });

  test("Retry-After: delta-seconds, an HTTP date (never negative), or nothing", () => {
    const now = Date.parse("2026-03-01T12:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Sun, 01 Mar 2026 12:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Sun, 01 Mar 2026 11:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("", now)).toBeUndefined();
  });
});
