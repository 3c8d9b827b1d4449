// `cardpress smoke` against the local stack: every check passes; a poisoned message, a wrong --api-url or a refused key fails with what to do; the timer check against a server playing ARM.
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import os from "node:os";
import { exitCodes } from "../../cli/exitCodes";
import { connectionStringVariable } from "../../cli/connection";
import { checkTimersViaArm } from "../../cli/commands/smokeTimers";
import { connectStorage } from "../../jobs";
import { fastHostConfig, runCli, useLocalStack } from "./support/localStack";

// Recorded in the registry (the worker's own CARDPRESS_STATE_DIR), as npm start does: `smoke` with no flags finds it.
const fixture = useLocalStack({ hostConfig: fastHostConfig(), record: true });
/** The user's shell without a connection string, so only what smoke resolves is used. */
const shell = { [connectionStringVariable]: undefined };

interface Report {
  ok: boolean;
  apiUrl: string;
  durationMs: number;
  batchId?: string;
  checks: { name: string; status: string; detail: string; fix?: string; durationMs: number }[];
}

const checkNames = ["health", "render", "batch", "images", "poison", "timer"];

test("every check passes against the running local stack, found with no flags (--json)", async () => {
  const run = await runCli(["smoke", "--json"], shell);
  const report = JSON.parse(run.stdout) as Report;
  expect(report.checks.map((check) => [check.name, check.status])).toEqual(
    checkNames.map((name) => [name, "passed"]),
  );
  expect(run.exitCode).toBe(exitCodes.ok);
  expect(report.apiUrl).toBe(fixture().stack.httpUrl);
  expect(report.durationMs).toBeLessThan(60_000);
  const detail = Object.fromEntries(report.checks.map((check) => [check.name, check.detail]));
  expect(detail.render).toMatch(/^a 320×168 PNG \(\d+ bytes\) rendered and decoded$/);
  expect(detail.images).toBe("3 images (png, jpeg, webp) fetched by SAS URL and decoded");
  expect(detail.poison).toBe("render-jobs-poison is empty");
  expect(detail.timer).toBe("pruneRenders (schedule 0 */5 * * * *) registered in the local host");
  // Progress (one line per check) on stderr; stdout is the JSON alone.
  expect(run.stderr).toMatch(
    /using local stack \(npm start, pid \d+\); checking http:\/\/localhost:\d+\/api/,
  );
  expect(run.stderr).toMatch(/✔ timer/);

  // The batch went through the real queue and worker: storage holds its three rendered cards.
  const status = await runCli(["status", report.batchId ?? "", "--json"], {
    [connectionStringVariable]: fixture().stack.connectionString,
  });
  expect(JSON.parse(status.stdout)).toMatchObject({
    state: "succeeded",
    done: 3,
    metadata: { source: "cardpress smoke" },
    items: [
      { id: "smoke-png", contentType: "image/png", width: 320, height: 168 },
      { id: "smoke-jpeg", contentType: "image/jpeg" },
      { id: "smoke-webp", contentType: "image/webp" },
    ],
  });
});

test("a message in render-jobs-poison fails the poison check: exit 1, a line saying what to do", async () => {
  const { poisonQueue } = connectStorage({ connectionString: fixture().stack.connectionString });
  await poisonQueue.sendMessage(Buffer.from('{"poisoned":true}').toString("base64"));
  try {
    const run = await runCli(["smoke"], shell);
    expect(run.exitCode).toBe(exitCodes.itemsFailed);
    const lines = run.stdout.split("\n");
    expect(lines.filter((line) => line.startsWith("✔ "))).toHaveLength(5);
    expect(lines.find((line) => line.startsWith("✖ "))).toMatch(
      /^✖ poison queue +\d+\.\d s {2}render-jobs-poison holds 1 message, the first queued at \d{4}-.* — to fix: .*re-queue or delete them/,
    );
    expect(lines.at(-1)).toMatch(
      /^smoke: 1 of 6 checks failed in .*Troubleshooting cardpress smoke/,
    );
  } finally {
    await poisonQueue.clearMessages();
  }
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test("a wrong --api-url fails health with what to do; the API checks are skipped, not failed again", async () => {
  const port = await closedPort();
  const run = await runCli(["smoke", "--api-url", `http://127.0.0.1:${port}/api`], shell);
  expect(run.exitCode).toBe(exitCodes.itemsFailed);
  const lines = run.stdout.split("\n");
  expect(lines[0]).toMatch(
    new RegExp(
      `^✖ health .* no answer from http://127\\.0\\.0\\.1:${port}/api/health \\(ECONNREFUSED\\) — to fix: is the local stack running \\(npm start\\)\\?`,
    ),
  );
  expect(lines.slice(1, 4)).toEqual([
    expect.stringMatching(/^– render +skipped: the API is unusable \(health check: no answer/),
    expect.stringMatching(/^– batch +skipped: the API is unusable/),
    expect.stringMatching(/^– images +skipped: the batch check did not pass/),
  ]);
  // Only a URL: no storage to read the poison queue from, no Function App to ask ARM about.
  expect(lines[4]).toMatch(
    /^– poison queue +skipped: no storage connection: pass --connection-string/,
  );
  expect(lines[5]).toMatch(
    /^– timer +skipped: no ARM access: --stack <name> names the Function App/,
  );

  // The local stack's server without the route prefix: a 404 that says where the API is.
  const noPrefix = fixture().stack.httpUrl.replace(/\/api$/, "");
  const wrongPath = await runCli(["smoke", "--api-url", noPrefix], shell);
  expect(wrongPath.exitCode).toBe(exitCodes.itemsFailed);
  expect(wrongPath.stdout).toMatch(
    /^✖ health .*answered HTTP 404 not_found: no function answers \/health — to fix: .*must be the API base ending in \/api/,
  );
});

test("an answer larger than any cardpress answer fails the check after reading at most 4 MiB", async () => {
  let sent = 0;
  // A health answer streamed without a length, far larger than the bound.
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { "Content-Type": "application/json" });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const write = () => {
      while (sent < 64 * 1024 * 1024) {
        sent += chunk.length;
        if (!response.write(chunk)) return void response.once("drain", write);
      }
      response.end();
    };
    response.on("close", () => undefined);
    write();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const run = await runCli(["smoke", "--api-url", `http://127.0.0.1:${port}/api`], shell);
    expect(run.exitCode).toBe(exitCodes.itemsFailed);
    expect(run.stdout).toMatch(/^✖ health .*is over 4194304 bytes, more than any cardpress answer/);
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/**
 * The local stack behind a proxy that checks function keys as Azure's front end does (the local
 * host checks none, as `func start`): 401 with no body for a wrong key, health anonymous.
 */
async function keyCheckingProxy(apiUrl: string, key: string) {
  const upstream = new URL(apiUrl);
  const server = http.createServer((request, response) => {
    const anonymous = request.url === "/api/health";
    if (!anonymous && request.headers["x-functions-key"] !== key) {
      response.writeHead(401).end();
      return;
    }
    const forwarded = http.request(
      {
        host: "127.0.0.1",
        port: upstream.port,
        path: request.url,
        method: request.method,
        headers: { ...request.headers, host: upstream.host },
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    request.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

test("a refused --key fails the render with what to do; the right one passes every check it can", async () => {
  const proxy = await keyCheckingProxy(fixture().stack.httpUrl, "the-right-key");
  try {
    const wrong = await runCli(["smoke", "--api-url", proxy.url, "--key", "a-wrong-key"], shell);
    expect(wrong.exitCode).toBe(exitCodes.itemsFailed);
    const lines = wrong.stdout.split("\n");
    expect(lines[0]).toMatch(/^✔ health/);
    expect(lines[1]).toMatch(
      /^✖ render .*answered HTTP 401 Unauthorized: the function key was refused — to fix: pass the stack's function key with --key/,
    );
    expect(lines[2]).toMatch(/^– batch +skipped: the API is unusable \(render check: /);

    const right = await runCli(
      [
        "smoke",
        "--json",
        "--api-url",
        proxy.url,
        "--key",
        "the-right-key",
        "--connection-string",
        fixture().stack.connectionString,
      ],
      shell,
    );
    const report = JSON.parse(right.stdout) as Report;
    expect(report.checks.map((check) => check.status)).toEqual([
      ...["passed", "passed", "passed", "passed", "passed"],
      "skipped",
    ]);
    expect(right.exitCode).toBe(exitCodes.ok);
  } finally {
    await proxy.close();
  }
});

test("without a running stack or a Pulumi CLI, smoke stops with the error that says what to do", async () => {
  const noStack = await runCli(["smoke"], {
    ...shell,
    CARDPRESS_STATE_DIR: path.join(os.tmpdir(), `cardpress-smoke-none-${process.pid}`),
  });
  expect(noStack.exitCode).toBe(exitCodes.unavailable);
  expect(noStack.stderr).toMatch(/nothing to check: the local stack is not running .*npm start/);

  const noPulumi = await runCli(["smoke", "--stack", "dev"], { ...shell, PATH: "/nonexistent" });
  expect(noPulumi.exitCode).toBe(exitCodes.usage);
  expect(noPulumi.stderr).toMatch(/needs the Pulumi CLI, which is not installed/);
});

/** A server playing ARM's `GET …/sites/<app>/functions` with one canned answer; records what it was asked. */
async function armServer(status: number, body: unknown) {
  const asked: { url?: string; authorization?: string }[] = [];
  const server = http.createServer((request, response) => {
    asked.push({ url: request.url, authorization: request.headers.authorization });
    response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    asked,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe("the timer check through ARM's functions listing", () => {
  const site = { resourceGroupName: "cardpress-rg", functionAppName: "cardpress-app" };
  const access = { token: "arm-token", subscription: "sub-1" };
  const httpFunction = (name: string) => ({
    name: `cardpress-app/${name}`,
    properties: { name, config: { bindings: [{ type: "httpTrigger" }] } },
  });
  const timerFunction = {
    name: "cardpress-app/pruneRenders",
    properties: {
      name: "pruneRenders",
      isDisabled: false,
      config: { bindings: [{ type: "timerTrigger", schedule: "0 */5 * * * *" }] },
    },
  };

  async function check(status: number, body: unknown) {
    const arm = await armServer(status, body);
    try {
      const outcome = await checkTimersViaArm(site, access, ["pruneRenders"], {
        endpoint: arm.endpoint,
        signal: new AbortController().signal,
      });
      return { outcome, asked: arm.asked };
    } finally {
      await arm.close();
    }
  }

  test("passes when ARM lists pruneRenders with its timer binding; asks the site's functions with the token", async () => {
    const { outcome, asked } = await check(200, {
      value: [httpFunction("health"), timerFunction],
    });
    expect(outcome).toEqual({
      status: "passed",
      detail:
        "pruneRenders (schedule 0 */5 * * * *) registered in ARM's functions listing of cardpress-app",
    });
    expect(asked).toEqual([
      {
        url: "/subscriptions/sub-1/resourceGroups/cardpress-rg/providers/Microsoft.Web/sites/cardpress-app/functions?api-version=2024-04-01",
        authorization: "Bearer arm-token",
      },
    ]);
  });

  test("fails when the timer is missing (triggers not synced) or disabled, saying what to do", async () => {
    const missing = await check(200, { value: [httpFunction("health")] });
    expect(missing.outcome).toMatchObject({
      status: "failed",
      detail: "ARM's functions listing of cardpress-app has no timer, not pruneRenders",
      fix: expect.stringMatching(/not synced .*run pulumi up again/),
    });
    const disabled = await check(200, {
      value: [{ ...timerFunction, properties: { ...timerFunction.properties, isDisabled: true } }],
    });
    expect(disabled.outcome).toMatchObject({
      status: "failed",
      fix: expect.stringMatching(/AzureWebJobs\.pruneRenders\.Disabled/),
    });
  });

  test("a 404 names the subscription az uses and how to switch", async () => {
    const { outcome } = await check(404, { error: { code: "ResourceNotFound" } });
    expect(outcome).toMatchObject({
      status: "failed",
      detail: expect.stringMatching(/^ARM answered HTTP 404 .*ResourceNotFound/),
      fix: expect.stringMatching(/subscription sub-1 .*az account set --subscription/),
    });
  });
});
