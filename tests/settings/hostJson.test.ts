// host.json, read and validated whole: the repository's file, the host's defaults, and errors naming field, value and expectation.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { deployedHostConfig, HostJsonError, readHostConfig, SettingsError } from "../../settings";

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(path.join(os.tmpdir(), "cardpress-hostjson-"));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Writes `content` as a host.json of its own and reads it. */
function readWritten(content: unknown): ReturnType<typeof readHostConfig> {
  const file = path.join(folder, `host-${Math.random().toString(16).slice(2)}.json`);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return readHostConfig(file);
}

test("the repository's host.json: timeout, queue options and route prefix, times in ms", () => {
  expect(readHostConfig()).toEqual({
    functionTimeoutMs: 600_000,
    queues: {
      batchSize: 1,
      newBatchThreshold: 1,
      maxDequeueCount: 5,
      visibilityTimeoutMs: 30_000,
      maxPollingIntervalMs: 2_000,
      messageEncoding: "base64",
    },
    routePrefix: "api",
  });
  expect(deployedHostConfig()).toEqual(readHostConfig());
});

test("keys host.json leaves out take the Functions host's defaults", () => {
  expect(readWritten({ version: "2.0", extensions: { queues: { batchSize: 8 } } })).toEqual({
    functionTimeoutMs: 300_000,
    queues: {
      batchSize: 8,
      newBatchThreshold: 4,
      maxDequeueCount: 5,
      visibilityTimeoutMs: 0,
      maxPollingIntervalMs: 60_000,
      messageEncoding: "base64",
    },
    routePrefix: "api",
  });
  const unbounded = readWritten({
    version: "2.0",
    functionTimeout: "-1",
    extensions: { queues: { messageEncoding: "None" }, http: { routePrefix: "" } },
  });
  expect(unbounded.functionTimeoutMs).toBe(Infinity);
  expect(unbounded.queues.messageEncoding).toBe("none");
  expect(unbounded.routePrefix).toBe("");
});

test.each([
  [
    { version: "1.0" },
    'version: expected "2.0" (the Functions runtime 2.x+ format), received "1.0"',
  ],
  [
    { version: "2.0", functionTimeout: "10m" },
    'functionTimeout: expected a time span hh:mm:ss[.fffffff] or d.hh:mm:ss, such as 00:00:30, or "-1" for unbounded, received "10m"',
  ],
  [
    { version: "2.0", extensions: { queues: { batchSize: 64 } } },
    "extensions.queues.batchSize: expected an integer from 1 to 32, received 64",
  ],
  [
    { version: "2.0", extensions: { queues: { maxDequeueCount: "5" } } },
    'extensions.queues.maxDequeueCount: expected an integer of at least 1, received "5"',
  ],
  [
    { version: "2.0", extensions: { queues: { maxPollingInterval: "00:00:00.050" } } },
    'extensions.queues.maxPollingInterval: expected at least 00:00:00.100 (the host polls at most every 100 ms), received "00:00:00.050"',
  ],
  [
    { version: "2.0", extensions: { queues: { messageEncoding: "utf8" } } },
    'extensions.queues.messageEncoding: expected "base64" or "none", received "utf8"',
  ],
  [
    { version: "2.0", extensions: { http: { routePrefix: "/api" } } },
    'extensions.http.routePrefix: expected a path prefix without leading or trailing "/", such as api, received "/api"',
  ],
  [
    { version: "2.0", extensions: { http: { maxOutstandingRequests: 0 } } },
    "extensions.http.maxOutstandingRequests: expected a positive integer, or -1 for no limit, received 0",
  ],
])("%j is refused, naming the field, the value and what was expected", (content, problem) => {
  let thrown: unknown;
  try {
    readWritten(content);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(HostJsonError);
  expect(thrown).toBeInstanceOf(SettingsError);
  expect((thrown as Error).message).toContain(problem);
});

test("every problem is listed; a file that is not JSON says so", () => {
  expect(() =>
    readWritten({ version: "2.0", extensions: { queues: { batchSize: 0, maxDequeueCount: 0 } } }),
  ).toThrow(/batchSize: .*received 0; extensions\.queues\.maxDequeueCount: .*received 0/);
  expect(() => readWritten("{ version: 2")).toThrow(/host-\w+\.json is not JSON/);
});
