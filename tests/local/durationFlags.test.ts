// Every duration flag of the CLI refuses what it cannot honour (zero where useless, negative, huge, not a number) with exit 2, before doing anything.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { exitCodes } from "../../cli/exitCodes";
import { parseDuration, secondsWithin } from "../../cli/duration";
import { runCli } from "./support/localStack";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-duration-flags-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
/** No stack, no connection: a command that got past its flags would fail to connect (exit 3). */
const nowhere = { CARDPRESS_STATE_DIR: tmp, AZURE_STORAGE_CONNECTION_STRING: undefined };

test("urls --ttl below 1m or above 7d exits 2 naming the flag, the value and the range, and prints no URL", async () => {
  for (const ttl of ["0s", "0m", "59s", "7d1s", "30d"]) {
    const run = await runCli(["urls", "20261201-000000-0000000000", "--ttl", ttl], nowhere);
    expect({ ttl, exitCode: run.exitCode, stdout: run.stdout }).toEqual({
      ttl,
      exitCode: exitCodes.usage,
      stdout: "",
    });
    expect(run.stderr).toMatch(
      /--ttl \S+ is out of range: the URLs' lifetime must be from 1m to 7d/,
    );
    expect(run.stderr).not.toMatch(/no storage connection/);
  }
});

test("a duration past what any flag takes is refused as typed, not rounded or wrapped", async () => {
  for (const [command, flag] of [
    [["urls", "20261201-000000-0000000000"], "--ttl"],
    [["wait", "20261201-000000-0000000000"], "--timeout"],
  ] as const) {
    const run = await runCli([...command, flag, "99999999999999999999d"], nowhere);
    expect(run.exitCode).toBe(exitCodes.usage);
    expect(run.stderr).toContain(`option '${flag} <duration>' argument '99999999999999999999d'`);
    expect(run.stderr).toMatch(
      /expected a duration of at most 365d; received 99999999999999999999d/,
    );
  }
  const negative = await runCli(["wait", "x", "--timeout", "-1m"], nowhere);
  expect(negative.exitCode).toBe(exitCodes.usage);
  expect(negative.stderr).toMatch(/expected a duration such as 90s/);
});

test("start --grace takes 0 to 600 seconds; anything else exits 2 before a stack starts", () => {
  for (const grace of ["abc", "-5", "601", "1e9", ""]) {
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", "cli/main.ts", "start", "--in-memory", "--port", "0", "--grace", grace],
      {
        cwd: path.join(__dirname, "../.."),
        env: { ...process.env, CARDPRESS_STATE_DIR: path.join(tmp, "start") },
        encoding: "utf8",
        // Old code started the stack on these; the supervisor stops it when this kills it.
        timeout: 30_000,
      },
    );
    expect({ grace, status: run.status }).toEqual({ grace, status: exitCodes.usage });
    expect(run.stderr).toContain(
      `option '--grace <seconds>' argument '${grace}' is invalid. expected a number of seconds from 0 to 600; received ${grace}`,
    );
  }
}, 120_000);

test("the parsers: limits inclusive, 0 where it means something", () => {
  expect(parseDuration("0s")).toBe(0); // wait --timeout 0s: look once, do not wait
  expect(parseDuration("365d")).toBe(365 * 86_400_000);
  expect(() => parseDuration("365d1s")).toThrow(/at most 365d; received 365d1s/);
  const grace = secondsWithin(0, 600);
  expect(grace("0")).toBe(0);
  expect(grace("2.5")).toBe(2.5);
  expect(grace("600")).toBe(600);
  expect(() => grace("Infinity")).toThrow(/received Infinity/);
});
