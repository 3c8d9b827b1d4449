// Starts Azurite (from the npm package) on free loopback ports and hands back its connection string.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseJsonDocument } from "../support";
import { azuriteBootstrap } from "./azuriteBootstrap";
import { AzuriteMissingError, AzuriteStartError } from "./errors";

/** Azurite's well-known development account (public, documented; not a secret). */
export const devAccount = {
  name: "devstoreaccount1",
  key: "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
} as const;

/** Only loopback: Azurite accepts the well-known key, so it must never listen on a network. */
const loopbackHost = "127.0.0.1";

export interface AzuriteOptions {
  /** Keep data on disk in this folder; omitted means in memory (lost when stopped). */
  location?: string;
  /** Fixed ports (e.g. 10000/10001 for tools that expect the defaults); omitted means free ports. */
  blobPort?: number;
  queuePort?: number;
  /** How long to wait for both services to listen. */
  startTimeoutMs?: number;
  /** Receives Azurite's own output lines (access log is off). */
  onLog?: (line: string) => void;
  /** Called with Azurite's pid as soon as it is spawned, before it listens (for the data-folder lock). */
  onSpawn?: (pid: number) => void;
}

export interface RunningAzurite {
  connectionString: string;
  blobPort: number;
  queuePort: number;
  /** The Azurite process (for resource measurements; stop it with stop()). */
  pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * Azurite's `bin.azurite` entry, resolved from its package.json so no shell or .bin shim is needed:
 * beside cardpress first (a clone, or a global or project install), then from the current folder.
 */
export function azuriteEntry(): string {
  let manifestPath: string;
  try {
    manifestPath = require.resolve("azurite/package.json", { paths: [__dirname, process.cwd()] });
  } catch {
    throw new AzuriteMissingError();
  }
  const manifest = parseJsonDocument(
    readFileSync(manifestPath, "utf8"),
    z.object({ bin: z.record(z.string(), z.string()) }),
    manifestPath,
  );
  const entry = manifest.bin.azurite;
  if (!entry) throw new AzuriteStartError("the azurite package has no `azurite` bin entry");
  return path.resolve(path.dirname(manifestPath), entry);
}

export function connectionStringFor(blobPort: number, queuePort: number): string {
  return [
    "DefaultEndpointsProtocol=http",
    `AccountName=${devAccount.name}`,
    `AccountKey=${devAccount.key}`,
    `BlobEndpoint=http://${loopbackHost}:${blobPort}/${devAccount.name}`,
    `QueueEndpoint=http://${loopbackHost}:${queuePort}/${devAccount.name}`,
  ].join(";");
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

function azuriteArgs(options: AzuriteOptions): string[] {
  return [
    "-e",
    azuriteBootstrap,
    azuriteEntry(),
    "--blobHost",
    loopbackHost,
    "--queueHost",
    loopbackHost,
    "--tableHost",
    loopbackHost,
    "--blobPort",
    String(options.blobPort ?? 0),
    "--queuePort",
    String(options.queuePort ?? 0),
    "--tablePort",
    "0",
    "--disableTelemetry",
    "--skipApiVersionCheck",
    "--silent",
    ...(options.location ? ["--location", options.location] : ["--inMemoryPersistence"]),
  ];
}

interface AzuritePorts {
  blob: number;
  queue: number;
}

/** Resolves with the ports Azurite printed once both services listen; rejects if it exits or cannot run. */
function listeningPorts(
  child: ChildProcess,
  onLog?: (line: string) => void,
): Promise<AzuritePorts> {
  const ports: { blob?: number; queue?: number } = {};
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const onLine = (line: string) => {
      output.push(line);
      onLog?.(line);
      // Azurite prints the port it actually bound ("… successfully listening at http://127.0.0.1:38967").
      const match = /Azurite (Blob|Queue) service is successfully listening at \S+:(\d+)/.exec(
        line,
      );
      if (match?.[1] === "Blob") ports.blob = Number(match[2]);
      if (match?.[1] === "Queue") ports.queue = Number(match[2]);
      if (ports.blob !== undefined && ports.queue !== undefined)
        resolve({ blob: ports.blob, queue: ports.queue });
    };
    let pending = "";
    const onData = (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? "";
      lines.forEach(onLine);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", (error) =>
      reject(new AzuriteStartError(`cannot run Azurite: ${error.message}`)),
    );
    child.once("exit", (code) =>
      reject(
        new AzuriteStartError(
          `Azurite exited with code ${code} before listening:\n${output.slice(-10).join("\n")}`,
        ),
      ),
    );
  });
}

/** `promise`, or an AzuriteStartError after timeoutMs; the timer never outlives the race. */
async function withinStartTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new AzuriteStartError(`Azurite did not listen within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts Azurite's blob and queue services and resolves once both accept connections. */
export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  // stdin is the parent-death watch's pipe (see azuriteBootstrap); nothing is ever written to it.
  const child = spawn(process.execPath, azuriteArgs(options), { stdio: ["pipe", "pipe", "pipe"] });
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  let ports: AzuritePorts;
  try {
    ports = await withinStartTimeout(
      listeningPorts(child, options.onLog),
      options.startTimeoutMs ?? 20_000,
    );
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return {
    connectionString: connectionStringFor(ports.blob, ports.queue),
    blobPort: ports.blob,
    queuePort: ports.queue,
    pid: child.pid,
    stop: () => stopProcess(child),
  };
}
