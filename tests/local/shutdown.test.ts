// Ctrl-C during a batch, then a restart on the same data: every card is rendered once, nothing is lost;
// one stack per data folder, even after a `kill -9`.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { enqueueBatch } from "../../jobs/enqueue";
import { readSettings } from "../../settings";
import { getBatchStatus } from "../../jobs/status";
import { connectStorage, type JobStorage } from "../../jobs/storage";
import { uploadBatchAssets } from "../../cli/commands/enqueue";
import { exitCodes } from "../../cli/exitCodes";
import { eventually, sleep } from "./support/localStack";
import { killAll, processTree, waitUntilGone, type TreeProcess } from "./support/processTree";
import { startStackProcess, type StackProcess } from "./support/stackProcess";

/** How often Azurite's Loki stores save to disk (autosaveInterval in its persistence/Loki*Store.js files). */
const azuriteAutosaveMs = 5_000;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-shutdown-"));
const env = { CARDPRESS_STATE_DIR: tmp, RENDER_CONCURRENCY: "1" };
const args = ["--port", "0", "--location", path.join(tmp, "azurite")];
let running: StackProcess | undefined;
let tree: TreeProcess[] = [];

afterAll(async () => {
  await running?.interrupt("SIGKILL").catch(() => undefined);
  killAll(tree);
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** `batch <id> chunk <n>: … rendered` lines of the host log, by chunk. */
function renderedChunks(logs: string[], batchId: string): number[] {
  return logs.flatMap((line) => {
    const match = new RegExp(`batch ${batchId} chunk (\\d+): \\d+ rendered`).exec(line);
    return match ? [Number(match[1])] : [];
  });
}

const statusOf = (storage: JobStorage, batchId: string) =>
  getBatchStatus(storage, batchId, { settings: readSettings() });

test("SIGINT mid-batch stops cleanly; the restarted stack finishes the batch without loss or duplicates", async () => {
  running = await startStackProcess(args, env);
  // The host process renders; it runs with the allocator settings Azure gets as app settings.
  const hostEnvironment = fs.readFileSync(`/proc/${running.info.pid}/environ`, "utf8").split("\0");
  expect(running.info.pid).not.toBe(running.child.pid);
  expect(hostEnvironment).toContain("MALLOC_ARENA_MAX=2");
  const second = spawnSync(process.execPath, ["--import", "tsx", "cli/main.ts", "start", ...args], {
    cwd: path.join(__dirname, "../.."),
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  expect(second.status).toBe(exitCodes.usage);
  expect(second.stderr).toMatch(/a local stack is already running \(pid \d+/);
  let storage = connectStorage({ connectionString: running.info.connectionString });
  const examples = path.join(__dirname, "../../examples");
  const batchFile = JSON.parse(
    fs.readFileSync(path.join(examples, "batch.json"), "utf8"),
  ) as unknown;
  await uploadBatchAssets(storage, batchFile, examples);
  // Two cards per message: a dozen messages, so Ctrl-C lands in the middle.
  const batch = await enqueueBatch(storage, batchFile, {
    settings: { ...readSettings(), CHUNK_SIZE: 2 },
  });
  expect(batch.chunkCount).toBeGreaterThanOrEqual(10);

  await eventually(async () =>
    (await statusOf(storage, batch.batchId)).done >= 2 ? true : undefined,
  );
  const firstRun = running;
  expect(await firstRun.interrupt("SIGINT")).toBe(0);
  running = undefined;
  expect(firstRun.logs.join("\n")).toMatch(/SIGINT: stopping/);
  const beforeRestart = renderedChunks(firstRun.logs, batch.batchId);
  expect(beforeRestart.length).toBeGreaterThan(0);
  expect(beforeRestart.length).toBeLessThan(batch.chunkCount);

  running = await startStackProcess(args, env);
  storage = connectStorage({ connectionString: running.info.connectionString });
  const final = await eventually(async () => {
    const status = await statusOf(storage, batch.batchId);
    return status.state === "in_progress" ? undefined : status;
  }, 60_000);
  expect(final).toMatchObject({ state: "succeeded", done: batch.total, failed: 0 });

  const afterRestart = renderedChunks(running.logs, batch.batchId);
  const all = [...beforeRestart, ...afterRestart].sort((a, b) => a - b);
  expect(all).toEqual(Array.from({ length: batch.chunkCount }, (_, chunk) => chunk));
  expect(running.logs.join("\n")).not.toMatch(/already done|moved to render-jobs-poison/);
  const images: string[] = [];
  for await (const blob of storage.renders.listBlobsFlat({ prefix: `${batch.batchId}/` })) {
    if (!blob.name.includes("/_")) images.push(blob.name);
  }
  expect(images).toHaveLength(batch.total);
  const [queued, poisoned] = await Promise.all([
    storage.renderQueue.peekMessages(),
    storage.poisonQueue.peekMessages(),
  ]);
  expect(queued.peekedMessageItems).toHaveLength(0);
  expect(poisoned.peekedMessageItems).toHaveLength(0);
  expect(await running.interrupt("SIGTERM")).toBe(0);
  running = undefined;
}, 110_000);

test("a data folder serves one stack: a second is refused; after kill -9 of the host, a restart takes it over", async () => {
  const location = path.join(tmp, "one-folder");
  const folderArgs = ["--port", "0", "--location", location];
  const firstEnv = { CARDPRESS_STATE_DIR: path.join(tmp, "first") };
  running = await startStackProcess(folderArgs, firstEnv);
  tree = processTree(running.child.pid as number);
  let storage = connectStorage({ connectionString: running.info.connectionString });
  await storage.assets.getBlockBlobClient("kept.txt").upload("kept", 4);
  // Azurite saves its metadata every 5 s; a write younger than that is lost when its process is
  // killed (docs/local.md says so). This test is about the take-over, not about that window.
  await sleep(azuriteAutosaveMs + 1_000);

  // Another registry (so the "already running" check does not see it), the same data folder.
  const second = spawnSync(
    process.execPath,
    ["--import", "tsx", "cli/main.ts", "start", ...folderArgs],
    {
      cwd: path.join(__dirname, "../.."),
      env: { ...process.env, CARDPRESS_STATE_DIR: path.join(tmp, "second") },
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  expect(second.stderr).toMatch(/data folder .*one-folder is in use by the local stack pid \d+/);
  expect(second.status).toBe(exitCodes.usage);

  // The host is killed where no handler runs. Its Azurite would notice and stop within a moment;
  // stopped (SIGSTOP) it stays, as if stuck: the next start must stop it rather than run a second.
  const azurite = tree.find(({ command }) => command.includes("azurite"));
  expect(azurite).toBeDefined();
  process.kill(azurite?.pid as number, "SIGSTOP");
  process.kill(running.info.pid, "SIGKILL");
  await running.interrupt("SIGKILL").catch(() => undefined);
  running = await startStackProcess(folderArgs, firstEnv);
  expect(running.logs.join("\n")).toMatch(
    new RegExp(`stopping Azurite pid ${azurite?.pid} left running on .*one-folder`),
  );
  expect(await waitUntilGone(tree, 5_000)).toEqual([]);
  storage = connectStorage({ connectionString: running.info.connectionString });
  expect((await storage.assets.getBlockBlobClient("kept.txt").downloadToBuffer()).toString()).toBe(
    "kept",
  );
  tree = processTree(running.child.pid as number);
  expect(await running.interrupt("SIGTERM")).toBe(0);
  running = undefined;
}, 120_000);
