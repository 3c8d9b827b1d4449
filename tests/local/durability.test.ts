// What the local stack keeps across a kill -9: writes older than one Azurite save, and a killed host's Azurite does not stay.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { connectStorage } from "../../jobs/storage";
import { processStartTime, readProcessStat } from "../../local/processInfo";
import { lockFileName } from "../../local/dataFolderLock";
import { killAll, processTree, waitUntilGone, type TreeProcess } from "./support/processTree";
import { startStackProcess, type StackProcess } from "./support/stackProcess";

/** How often Azurite's Loki stores save to disk (autosaveInterval in its persistence/Loki*Store.js files). */
const azuriteAutosaveMs = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-durability-"));
let running: StackProcess | undefined;
let tree: TreeProcess[] = [];

/** SIGKILL to what is left of the stack's first process group (maybe nothing), and its end awaited. */
async function killGroup(stack: StackProcess | undefined): Promise<void> {
  try {
    await stack?.interrupt("SIGKILL");
  } catch {
    // The group is gone already.
  }
}

afterEach(async () => {
  await killGroup(running);
  running = undefined;
  killAll(tree);
  tree = [];
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const card = (id: string) => ({ id, title: `Kept ${id}`, size: { width: 300, height: 150 } });

test("a batch acknowledged with 202 and a blob acknowledged with 201 survive kill -9 of the whole stack once Azurite has saved (5 s)", async () => {
  const location = path.join(tmp, "acknowledged");
  const args = ["--port", "0", "--location", location];
  const env = { CARDPRESS_STATE_DIR: path.join(tmp, "acknowledged-state") };
  running = await startStackProcess(args, env);
  tree = processTree(running.child.pid as number);
  expect(tree.some(({ command }) => command.includes("azurite"))).toBe(true);
  const storage = connectStorage({ connectionString: running.info.connectionString });

  // Acknowledged, then, after one of Azurite's own saves (every 5 s: docs/local.md's window),
  // every process of the stack (supervisor, host, Azurite) killed at once.
  await storage.assets.getBlockBlobClient("acknowledged.txt").upload("kept", 4);
  const created = await fetch(`${running.info.httpUrl}/batches`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ items: [card("one"), card("two")] }),
  });
  expect(created.status).toBe(202);
  await sleep(azuriteAutosaveMs + 1_000);
  killAll(tree);
  const batch = (await created.json()) as { batchId: string; chunkCount: number; total: number };
  expect(await waitUntilGone(tree, 10_000)).toEqual([]);
  await killGroup(running);

  running = await startStackProcess(args, env);
  tree = processTree(running.child.pid as number);
  const restarted = connectStorage({ connectionString: running.info.connectionString });
  const status = await fetch(`${running.info.httpUrl}/batches/${batch.batchId}`);
  expect(status.status).toBe(200);
  expect(await status.json()).toMatchObject({ batchId: batch.batchId, total: batch.total });
  const kept = await restarted.assets.getBlockBlobClient("acknowledged.txt").downloadToBuffer();
  expect(kept.toString()).toBe("kept");
}, 120_000);

test("kill -9 of the host alone: its Azurite exits, and the next start runs one Azurite on the data folder", async () => {
  const location = path.join(tmp, "host-killed");
  const args = ["--port", "0", "--location", location];
  const env = { CARDPRESS_STATE_DIR: path.join(tmp, "host-killed-state") };
  running = await startStackProcess(args, env);
  tree = processTree(running.child.pid as number);
  const azurite = tree.find(({ command }) => command.includes("azurite"));
  expect(azurite).toBeDefined();
  const azuritePid = azurite?.pid as number;
  expect(readProcessStat(azuritePid)?.ppid).toBe(running.info.pid);

  process.kill(running.info.pid, "SIGKILL");
  // Azurite notices through its stdin pipe; nothing else (the next start) is needed for it to go.
  expect(await waitUntilGone(tree, 15_000)).toEqual([]);
  await killGroup(running);

  running = await startStackProcess(args, env);
  tree = processTree(running.child.pid as number);
  const onFolder = azuritesOn(location);
  expect(onFolder).toHaveLength(1);
  const lock = JSON.parse(fs.readFileSync(path.join(location, lockFileName), "utf8")) as {
    pid: number;
    azuritePid: number;
    azuriteStartTime?: string;
  };
  expect(lock).toMatchObject({ pid: running.info.pid, azuritePid: onFolder[0] });
  expect(lock.azuriteStartTime).toBe(processStartTime(onFolder[0] as number));
}, 120_000);

/** Every Azurite process on this machine whose command line names this data folder. */
function azuritesOn(location: string): number[] {
  return fs.readdirSync("/proc").flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      const command = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      const stat = readProcessStat(Number(entry));
      return command.some((part) => part.includes("azurite")) &&
        command.includes(location) &&
        stat?.state !== "Z"
        ? [Number(entry)]
        : [];
    } catch {
      return [];
    }
  });
}
