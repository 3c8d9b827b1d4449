// The CLI finds the running local stack from any folder, not only the one `npm start` ran in.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { connectionStringVariable } from "../../cli/connection";
import { exitCodes } from "../../cli/exitCodes";
import { startLocalStack, type LocalStack } from "../../local/stack";
import { stackFilePath, stackRegistryDir, stateDirVariable } from "../../local/stackFile";
import { runCli } from "./support/localStack";

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-registry-")));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test("the registry is CARDPRESS_STATE_DIR, else $XDG_STATE_HOME/cardpress, else ~/.local/state/cardpress", () => {
  expect(stackRegistryDir({ [stateDirVariable]: "/a", XDG_STATE_HOME: "/b", HOME: "/c" })).toBe(
    "/a",
  );
  expect(stackRegistryDir({ XDG_STATE_HOME: "/b", HOME: "/c" })).toBe("/b/cardpress");
  // A relative XDG_STATE_HOME is invalid (XDG spec) and ignored.
  expect(stackRegistryDir({ XDG_STATE_HOME: "state", HOME: "/c" })).toBe(
    "/c/.local/state/cardpress",
  );
  expect(stackRegistryDir({ HOME: "/c" })).toBe("/c/.local/state/cardpress");
});

test("a stack started in one folder is used by the CLI run in another", async () => {
  const started = path.join(tmp, "where-npm-start-ran");
  const elsewhere = path.join(tmp, "users-project");
  fs.mkdirSync(started);
  fs.mkdirSync(elsewhere);
  // The user's environment: no CARDPRESS_STATE_DIR (the tests' setup sets one), their own state home.
  const userEnv = {
    CARDPRESS_STATE_DIR: undefined,
    [connectionStringVariable]: undefined,
    XDG_STATE_HOME: path.join(tmp, "state-home"),
  };
  const saved = Object.fromEntries(Object.keys(userEnv).map((name) => [name, process.env[name]]));
  const cwd = process.cwd();
  let stack: LocalStack | undefined;
  try {
    for (const name of Object.keys(userEnv)) delete process.env[name];
    process.env.XDG_STATE_HOME = userEnv.XDG_STATE_HOME;
    process.chdir(started);
    stack = await startLocalStack({ inMemory: true, port: 0, record: true });

    process.chdir(elsewhere);
    const batchFile = path.join(elsewhere, "batch.json");
    fs.writeFileSync(
      batchFile,
      JSON.stringify({ items: [{ id: "here", title: "Here", size: { width: 300, height: 150 } }] }),
    );
    const run = await runCli(["enqueue", batchFile, "--wait", "--timeout", "60s"], userEnv);
    expect(run.stderr).toContain(`using local stack (npm start, pid ${process.pid})`);
    expect(run.exitCode).toBe(exitCodes.ok);
    expect(stackFilePath()).toBe(path.join(tmp, "state-home/cardpress/local-stack.json"));
    expect(fs.existsSync(path.join(started, ".cardpress"))).toBe(false);
  } finally {
    process.chdir(cwd);
    await stack?.stop(5_000);
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  // Stopped: the registry entry is gone, so the CLI says so from any folder.
  const after = await runCli(["status", "20261123-120000-3f9a1c2b7d"], userEnv);
  expect(after.exitCode).toBe(exitCodes.unavailable);
}, 90_000);
