// Fault-test harness: worker processes (the local host alone), Azurite on disk, and a watcher that decodes every image it sees.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startAzurite, type RunningAzurite } from "../../../local/azurite";
import { blobNames } from "../../../jobs/layout";
import { names } from "../../../settings";
import { connectStorage, ensureStorageResources, type JobStorage } from "../../../jobs/storage";
import { decodedSize } from "../../jobs/support/images";
import { collectLines, exitWithOutput } from "../../support/childProcess";
import { eventually, sleep } from "../../support/eventually";
export { eventually, sleep };

const repoRoot = path.join(__dirname, "../../..");

/** Messages in a queue that are leased (invisible) right now: approximate count minus visible ones. */
export async function leasedMessages(queue: JobStorage["renderQueue"]): Promise<number> {
  const [properties, visible] = await Promise.all([
    queue.getProperties(),
    queue.peekMessages({ numberOfMessages: 32 }),
  ]);
  return (properties.approximateMessagesCount ?? 0) - visible.peekedMessageItems.length;
}

/** A worker did not come up, or a harness step failed. */
export class FaultHarnessError extends Error {
  override name = "FaultHarnessError";
}

/** Azurite with its data in a folder, so it can be stopped and started again on the same ports. */
export interface DiskAzurite {
  location: string;
  connectionString: string;
  storage: JobStorage;
  running(): boolean;
  stop(): Promise<void>;
  /** Starts it again on the same ports and data folder. */
  restart(): Promise<void>;
}

export async function startDiskAzurite(prefix: string): Promise<DiskAzurite> {
  const location = fs.mkdtempSync(path.join(os.tmpdir(), `cardpress-${prefix}-`));
  let azurite: RunningAzurite | undefined = await startAzurite({ location });
  const { blobPort, queuePort, connectionString } = azurite;
  const storage = connectStorage({ connectionString });
  await ensureStorageResources(storage);
  return {
    location,
    connectionString,
    storage,
    running: () => azurite !== undefined,
    async stop() {
      await azurite?.stop();
      azurite = undefined;
    },
    async restart() {
      if (azurite) throw new FaultHarnessError("Azurite is already running");
      azurite = await startAzurite({ location, blobPort, queuePort });
    },
  };
}

export async function removeDiskAzurite(azurite: DiskAzurite | undefined): Promise<void> {
  if (!azurite) return;
  await azurite.stop();
  fs.rmSync(azurite.location, { recursive: true, force: true });
}

export interface Worker {
  name: string;
  child: ChildProcess;
  /** Everything the process wrote (stdout and stderr), line by line. */
  output: string[];
  alive(): boolean;
  /** SIGKILL: no handler runs, leases are not released, nothing is flushed. */
  kill(): Promise<void>;
  /** SIGTERM: the host stops polling and finishes or releases in-flight messages. */
  stop(): Promise<void>;
}

export interface WorkerOptions {
  /** Queue lease while a handler runs; short, so a killed worker's messages come back soon. */
  leaseMs?: number;
  /** Delay before a failed message is retried (host.json visibilityTimeout). */
  retryDelayMs?: number;
  env?: Record<string, string>;
}

/** Starts the local Functions host in a child process against `connectionString`. */
export async function startWorker(
  name: string,
  connectionString: string,
  options: WorkerOptions = {},
): Promise<Worker> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(__dirname, "workerMain.ts")],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        [names.connectionSetting]: connectionString,
        FAULTS_LEASE_MS: String(options.leaseMs ?? 3_000),
        FAULTS_RETRY_DELAY_MS: String(options.retryDelayMs ?? 1_000),
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const output: string[] = [];
  collectLines(child.stdout, output);
  collectLines(child.stderr, output);
  // Resolves once its last output lines are in, not merely at exit (tests read them right after).
  const exited = exitWithOutput(child);
  const alive = () => child.exitCode === null && child.signalCode === null;
  const deadline = Date.now() + 30_000;
  while (!output.some((line) => line.includes('"ready":true'))) {
    if (!alive()) throw new FaultHarnessError(`worker ${name} exited:\n${output.join("\n")}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new FaultHarnessError(`worker ${name} did not start:\n${output.join("\n")}`);
    }
    await sleep(50);
  }
  const signal = async (kind: NodeJS.Signals) => {
    if (!alive()) return;
    child.kill(kind);
    await exited;
  };
  return {
    name,
    child,
    output,
    alive,
    kill: () => signal("SIGKILL"),
    stop: () => signal("SIGTERM"),
  };
}

/** What a process prints when a promise rejection escapes every handler. */
export const unhandledRejectionPattern =
  /UnhandledPromiseRejection|unhandledRejection|Unhandled promise rejection/i;

/** `batch <id> chunk <n>: <ok> rendered` and `… already done` lines of a worker's log. */
export function chunkLines(
  output: string[],
  batchId: string,
): { rendered: number[]; duplicates: number[] } {
  const rendered: number[] = [];
  const duplicates: number[] = [];
  for (const line of output) {
    const match = new RegExp(`batch ${batchId} chunk (\\d+): (\\d+ rendered|already done)`).exec(
      line,
    );
    if (!match) continue;
    (match[2] === "already done" ? duplicates : rendered).push(Number(match[1]));
  }
  return { rendered, duplicates };
}

export const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** Image blobs of a batch (everything under its prefix except `_batch.json` and `_chunks/`). */
export async function imageBlobs(
  storage: JobStorage,
  batchId: string,
): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for await (const blob of storage.renders.listBlobsFlat({
    prefix: blobNames.batchPrefix(batchId),
  })) {
    if (!blob.name.slice(batchId.length + 1).startsWith("_")) {
      found.set(blob.name, blob.properties.contentLength ?? 0);
    }
  }
  return found;
}

export interface ImageWatch {
  /** Distinct blob versions (name + etag) downloaded and fully decoded. */
  decoded: number;
  /** Versions that existed but did not decode: must stay empty. */
  corrupt: string[];
  /** Content hashes seen per blob name over the whole run. */
  hashes: Map<string, Set<string>>;
  /** Listing or download attempts that failed because storage was down (expected in outages). */
  unreachable: number;
  stop(): Promise<void>;
}

/**
 * Polls the batch's images until stopped: lists, downloads every new version (by etag) and decodes
 * it completely with sharp. A blob must decode or not exist; a 404 between listing and download is
 * fine (it never existed as a partial blob), anything that downloads but does not decode is not.
 */
export function watchImages(connectionString: string, batchId: string): ImageWatch {
  // Its own clients, so the watcher shares nothing with the code under test.
  const storage = connectStorage({ connectionString });
  const seen = new Set<string>();
  const watch: ImageWatch = {
    decoded: 0,
    corrupt: [],
    hashes: new Map(),
    unreachable: 0,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await loop;
    },
  };
  let stopped = false;
  const pollOnce = async () => {
    const prefix = blobNames.batchPrefix(batchId);
    for await (const blob of storage.renders.listBlobsFlat({ prefix })) {
      if (blob.name.slice(prefix.length).startsWith("_")) continue;
      const version = `${blob.name}@${blob.properties.etag ?? ""}`;
      if (seen.has(version)) continue;
      let bytes: Buffer;
      try {
        bytes = await storage.renders.getBlobClient(blob.name).downloadToBuffer();
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) continue;
        throw error;
      }
      seen.add(version);
      try {
        await decodedSize(bytes);
        watch.decoded++;
        const hashes = watch.hashes.get(blob.name) ?? new Set<string>();
        hashes.add(sha256(bytes));
        watch.hashes.set(blob.name, hashes);
      } catch (error) {
        watch.corrupt.push(`${version} (${bytes.length} bytes): ${String(error)}`);
      }
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await pollOnce().catch(() => watch.unreachable++);
      await sleep(50);
    }
    // One last pass so the final state is checked too.
    await pollOnce();
  })();
  return watch;
}
