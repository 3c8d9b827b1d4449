// What the storage commands print: render warnings in plain output, URL lifetimes, --ttl limits, the wait rate.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { connectionStringVariable } from "../../cli/connection";
import { exitCodes } from "../../cli/exitCodes";
import { enqueueBatch } from "../../jobs/enqueue";
import { readSettings } from "../../settings";
import { connectStorage } from "../../jobs/storage";
import { runCli, useLocalStack, fastHostConfig } from "./support/localStack";

const fixture = useLocalStack({ hostConfig: fastHostConfig() });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-reports-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const viaEnv = () => ({ [connectionStringVariable]: fixture().stack.connectionString });

const longTitle =
  "An exceptionally long headline that keeps going well past the point where any sensible editor would have stopped it, to show how cardpress shrinks the title and finally clamps it";
const clampWarning = /too long for the box even at \d+px; cut to \d line\(s\) with an ellipsis/;

/** A batch whose `long` card has its title clamped (a render warning) and whose `short` card has none. */
function writeBatch(name: string, extra: Record<string, unknown> = {}): string {
  const file = path.join(tmp, `${name}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({
      defaults: { size: { width: 400, height: 210 } },
      items: [
        { id: "long", title: longTitle },
        { id: "short", title: "Short" },
      ],
      ...extra,
    }),
  );
  return file;
}

/** The lines of `output` from the line that starts with `✔ <id>` (or `  ✔ <id>`) to the next card. */
function cardBlock(output: string, id: string): string {
  const lines = output.split("\n");
  const start = lines.findIndex((line) => new RegExp(`^\\s*✔ ${id}\\b`).test(line));
  if (start < 0) throw new Error(`no ✔ ${id} line in:\n${output}`);
  const end = lines.findIndex((line, i) => i > start && /^\s*[✔✖…] /.test(line));
  return lines.slice(start, end < 0 ? undefined : end).join("\n");
}

let batchId = "";

test("enqueue --wait, status and wait show a card's render warnings under its ✔ line, as render does", async () => {
  const enqueued = await runCli(["enqueue", writeBatch("warned"), "--wait", "--timeout", "60s"], {
    ...viaEnv(),
  });
  expect(enqueued.exitCode).toBe(exitCodes.ok);
  batchId = /batch (\S+):/.exec(enqueued.stdout)?.[1] ?? "";
  expect(batchId).not.toBe("");
  expect(cardBlock(enqueued.stdout, "long")).toMatch(
    new RegExp(`✔ long .*\\n\\s+⚠ title: ${clampWarning.source}`),
  );
  expect(cardBlock(enqueued.stdout, "short")).not.toContain("⚠");

  const status = await runCli(["status", batchId], viaEnv());
  expect(status.exitCode).toBe(exitCodes.ok);
  expect(cardBlock(status.stdout, "long")).toMatch(clampWarning);
  expect(cardBlock(status.stdout, "short")).not.toContain("⚠");

  const waited = await runCli(["wait", batchId], viaEnv());
  expect(waited.exitCode).toBe(exitCodes.ok);
  expect(cardBlock(waited.stdout, "long")).toMatch(clampWarning);

  const downloaded = await runCli(["download", batchId, path.join(tmp, "images")], viaEnv());
  expect(cardBlock(downloaded.stdout, "long")).toMatch(clampWarning);

  // The JSON documents carry the same warnings.
  const json = JSON.parse((await runCli(["status", batchId, "--json"], viaEnv())).stdout) as {
    items: { id: string; warnings: string[] }[];
  };
  expect(json.items.find((item) => item.id === "long")?.warnings).toEqual([
    expect.stringMatching(clampWarning),
  ]);
});

test("wait on a finished batch prints no rate: nothing was seen rendering", async () => {
  const waited = await runCli(["wait", batchId], viaEnv());
  expect(waited.exitCode).toBe(exitCodes.ok);
  expect(waited.stderr).toMatch(/2\/2: 2 done, 0 failed/);
  expect(waited.stderr).not.toMatch(/cards\/s/);
});

test("urls never outlive the batch: --ttl 7d on a batch expiring in 1 h is cut there, with a warning", async () => {
  const enqueued = await runCli(
    ["enqueue", writeBatch("short-lived", { ttlHours: 1 }), "--wait", "--json"],
    viaEnv(),
  );
  const { batchId: shortLived, expiresAt } = JSON.parse(enqueued.stdout) as {
    batchId: string;
    expiresAt: string;
  };
  const urls = await runCli(["urls", shortLived, "--ttl", "7d", "--json"], viaEnv());
  expect(urls.exitCode).toBe(exitCodes.ok);
  const listed = JSON.parse(urls.stdout) as {
    expiresAt: string;
    urlsExpireAt: string;
    urls: { id: string; url: string }[];
  };
  // `expiresAt` is the batch's expiry here as in `status --json`; the URLs' is `urlsExpireAt`.
  expect(listed.expiresAt).toBe(expiresAt);
  const batchExpiry = Date.parse(expiresAt);
  expect(Date.parse(listed.urlsExpireAt)).toBeLessThanOrEqual(batchExpiry);
  expect(Date.parse(listed.urlsExpireAt)).toBeGreaterThan(batchExpiry - 1000);
  for (const { url } of listed.urls) {
    const signedExpiry = Date.parse(new URL(url).searchParams.get("se") ?? "");
    expect(signedExpiry).toBe(Date.parse(listed.urlsExpireAt));
  }
  expect(urls.stderr).toMatch(
    new RegExp(
      `warning: batch ${shortLived} expires at ${expiresAt} and its images are deleted then, so the URLs expire then too, before the 7d of --ttl`,
    ),
  );

  // A lifetime within the batch's is kept as asked, and nothing is said.
  const shorter = await runCli(["urls", shortLived, "--ttl", "30m", "--json"], viaEnv());
  const minutesLeft =
    (Date.parse((JSON.parse(shorter.stdout) as { urlsExpireAt: string }).urlsExpireAt) -
      Date.now()) /
    60_000;
  expect(minutesLeft).toBeGreaterThan(29);
  expect(minutesLeft).toBeLessThanOrEqual(30);
  expect(shorter.stderr).not.toMatch(/warning/);
});

test("urls --ttl outside 1m–7d is a usage error naming the flag and the range", async () => {
  for (const ttl of ["0s", "30s", "8d"]) {
    const run = await runCli(["urls", batchId, "--ttl", ttl], viaEnv());
    expect(run.exitCode).toBe(exitCodes.usage);
    expect(run.stdout).toBe("");
    expect(run.stderr).not.toMatch(/using /); // refused before connecting to anything
    expect(run.stderr).toMatch(
      new RegExp(`--ttl ${ttl} is out of range: the URLs' lifetime must be from 1m to 7d`),
    );
  }
});

test("urls on a batch past its expiry (not yet pruned) signs nothing and says why", async () => {
  const storage = connectStorage({ connectionString: fixture().stack.connectionString });
  const expired = await enqueueBatch(
    storage,
    { items: [{ id: "old", title: "Old", size: { width: 300, height: 150 } }], ttlHours: 1 },
    { settings: readSettings(), now: new Date(Date.now() - 2 * 3_600_000) },
  );
  const run = await runCli(["urls", expired.batchId, "--json"], viaEnv());
  expect(run.exitCode).toBe(exitCodes.itemsFailed);
  expect(run.stdout).toBe("");
  expect(run.stderr).toContain(
    `batch ${expired.batchId} expired at ${expired.expiresAt}: its images are deleted at the next prune run, so no URLs were signed`,
  );
});
