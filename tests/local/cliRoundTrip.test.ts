// The CLI against the local stack: enqueue → wait → urls → download, status, HTTP routes, connection errors.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { exitCodes } from "../../cli/exitCodes";
import { connectionStringVariable } from "../../cli/connection";
import { fastHostConfig, runCli, useLocalStack } from "./support/localStack";

const fixture = useLocalStack({ hostConfig: fastHostConfig() });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-cli-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A small batch next to its own asset, like a user's project folder. */
function writeBatch(): string {
  const dir = path.join(tmp, "project");
  fs.mkdirSync(path.join(dir, "img"), { recursive: true });
  fs.copyFileSync(
    path.join(__dirname, "../../examples/assets/logo.png"),
    path.join(dir, "img/logo.png"),
  );
  const batch = {
    defaults: { logo: "img/logo.png", size: { width: 400, height: 210 } },
    items: [
      { id: "one", title: "One" },
      { id: "two", title: "Two", format: "jpeg" },
      { id: "three", title: "Three" },
      { id: "bad", title: "" },
    ],
  };
  const file = path.join(dir, "batch.json");
  fs.writeFileSync(file, JSON.stringify(batch));
  return file;
}

const viaEnv = () => ({ [connectionStringVariable]: fixture().stack.connectionString });

test("enqueue uploads assets; wait, urls, download and status report the batch", async () => {
  const enqueued = await runCli(["enqueue", writeBatch(), "--json"], viaEnv());
  expect(enqueued.stderr).toContain(`using ${connectionStringVariable}`);
  const batch = JSON.parse(enqueued.stdout) as {
    batchId: string;
    accepted: number;
    rejected: { id: string }[];
    assets: { uploaded: string[] };
  };
  expect(batch.assets.uploaded).toEqual(["img/logo.png"]);
  expect(batch.accepted).toBe(3);
  expect(batch.rejected.map((item) => item.id)).toEqual(["bad"]);

  const waited = await runCli(["wait", batch.batchId, "--timeout", "60s"], viaEnv());
  // Not a TTY here: plain progress lines, then the summary; one card was invalid.
  expect(waited.stderr).toMatch(/4\/4: 3 done, 1 failed/);
  expect(waited.stdout).toMatch(/completed_with_errors — 3 done, 1 failed, 0 pending of 4/);
  expect(waited.exitCode).toBe(exitCodes.itemsFailed);

  const urls = await runCli(["urls", batch.batchId, "--ttl", "2h", "--json"], viaEnv());
  const listed = JSON.parse(urls.stdout) as {
    urls: { id: string; url: string }[];
    urlsExpireAt: string;
  };
  expect(listed.urls.map((u) => u.id).sort()).toEqual(["one", "three", "two"]);
  const hoursLeft = (Date.parse(listed.urlsExpireAt) - Date.now()) / 3_600_000;
  expect(hoursLeft).toBeGreaterThan(1.9);
  expect(hoursLeft).toBeLessThanOrEqual(2);
  const fetched = await fetch(listed.urls.find((u) => u.id === "two")?.url ?? "");
  expect(fetched.headers.get("content-type")).toBe("image/jpeg");

  const dir = path.join(tmp, "images");
  const downloaded = await runCli(["download", batch.batchId, dir], viaEnv());
  expect(downloaded.stdout).toMatch(/3 downloaded to .*images, 1 failed, 0 pending/);
  expect(fs.readdirSync(dir).sort()).toEqual(["one.png", "three.png", "two.jpg"]);
  expect(fs.readFileSync(path.join(dir, "one.png")).subarray(1, 4).toString()).toBe("PNG");

  const status = await runCli(["status", batch.batchId, "--json"], viaEnv());
  expect(JSON.parse(status.stdout)).toMatchObject({
    state: "completed_with_errors",
    done: 3,
    failed: 1,
  });
});

test("enqueue --wait --download in one go; --connection-string wins over the environment", async () => {
  const dir = path.join(tmp, "direct");
  const run = await runCli(
    [
      "enqueue",
      writeBatch(),
      "--download",
      dir,
      "--connection-string",
      fixture().stack.connectionString,
    ],
    { [connectionStringVariable]: "UseDevelopmentStorage=nonsense" },
  );
  expect(run.stderr).toContain("using --connection-string");
  expect(run.stdout).toMatch(/3 downloaded/);
  expect(fs.readdirSync(dir)).toHaveLength(3);
});

test("the HTTP routes answer on <url>/api/… like func start", async () => {
  const api = fixture().stack.httpUrl;
  expect(api).toMatch(/^http:\/\/localhost:\d+\/api$/);
  const health = await fetch(`${api}/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: "ok" });

  const created = await fetch(`${api}/batches`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      items: [{ id: "http", title: "Via HTTP", size: { width: 300, height: 150 } }],
    }),
  });
  expect(created.status).toBe(202);
  const { batchId, statusUrl } = (await created.json()) as { batchId: string; statusUrl: string };
  expect(statusUrl).toBe(`${api}/batches/${batchId}`);
  expect((await fetch(statusUrl)).status).toBe(200);

  const image = await fetch(`${api}/render`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title: "Sync", size: { width: 300, height: 150 } }),
  });
  expect(image.headers.get("content-type")).toBe("image/png");
  expect((await fetch(`${api}/batches`)).status).toBe(404); // GET is not a route of createBatch
  expect((await fetch(`${api}/nothing`)).status).toBe(404);
});

test("errors are one sentence with the fix and a meaningful exit code", async () => {
  const noStack = await runCli(["status", "20261123-120000-3f9a1c2b7d"], {
    [connectionStringVariable]: undefined,
    CARDPRESS_STATE_DIR: path.join(tmp, "no-stack"),
  });
  expect(noStack.exitCode).toBe(exitCodes.unavailable);
  expect(noStack.stderr).toMatch(/local stack is not running .*start it with npm start/);

  const pulumi = await runCli(["status", "20261123-120000-3f9a1c2b7d", "--stack", "dev"], {
    [connectionStringVariable]: undefined,
    PATH: "/nonexistent",
  });
  expect(pulumi.exitCode).toBe(exitCodes.usage);
  expect(pulumi.stderr).toMatch(/needs the Pulumi CLI, which is not installed; install it/);

  const unknown = await runCli(["status", "20261123-120000-3f9a1c2b7d"], viaEnv());
  expect(unknown.exitCode).toBe(exitCodes.usage);
  expect(unknown.stderr).toMatch(/not found .*; check the id/);
  expect(unknown.stderr).not.toMatch(/\n\s+at /);

  const badId = await runCli(["urls", "../etc"], viaEnv());
  expect(badId.exitCode).toBe(exitCodes.usage);

  // Invalid cards are rejected and the rest queued (a missing asset refuses the whole batch instead).
  const someInvalidFile = path.join(tmp, "some-invalid.json");
  fs.writeFileSync(
    someInvalidFile,
    JSON.stringify({
      defaults: { size: { width: 300, height: 150 } },
      items: [
        { id: "fine", title: "Fine" },
        { id: "typo", titel: "Unknown field" },
      ],
    }),
  );
  const someInvalid = await runCli(["enqueue", someInvalidFile], viaEnv());
  expect(someInvalid.exitCode).toBe(exitCodes.itemsFailed);
  expect(someInvalid.stdout).toMatch(/✖ typo: /);

  const empty = path.join(tmp, "empty.json");
  fs.writeFileSync(empty, JSON.stringify({ items: [] }));
  const invalid = await runCli(["enqueue", empty], viaEnv());
  expect(invalid.exitCode).toBe(exitCodes.usage);
  expect(invalid.stderr).toMatch(/items: .*; fix the batch file and try again/);

  const missing = await runCli(["enqueue", path.join(tmp, "nope.json")], viaEnv());
  expect(missing.exitCode).toBe(exitCodes.usage);
  expect(missing.stderr).toMatch(/cannot read .*nope.json: ENOENT; check the path/);
});
