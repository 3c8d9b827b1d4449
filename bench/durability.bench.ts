// Azurite's loss window after kill -9: time from a write's acknowledgement to its metadata on disk, and upload latency and rate.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { azuriteEntry, connectionStringFor, startAzurite } from "../local/azurite";
import { percentile } from "./stats";

/*
 * npx tsx bench/durability.bench.ts [--prefill 2000] [--json]
 * "as shipped" runs Azurite's own entry (LokiJS autosave every 5 s); "cardpress" runs it the way the
 * local stack does (local/azuriteBootstrap.ts). Since the write-through bootstrap was removed
 * (docs/local.md, "Durability figures") the two should measure the same: the row pair shows it.
 */
const json = process.argv.includes("--json");
const prefillArg = process.argv.indexOf("--prefill");
const prefill = prefillArg > 0 ? Number(process.argv[prefillArg + 1]) : 2000;
const log = (line: string) => {
  if (!json) console.log(line);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Running {
  connectionString: string;
  stop(): Promise<void>;
}

/** Azurite exactly as its package runs it, with the local stack's flags. */
async function startShippedAzurite(location: string): Promise<Running> {
  const entry = azuriteEntry();
  const child = spawn(
    process.execPath,
    [
      entry,
      ...["--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1"],
      ...["--blobPort", "0", "--queuePort", "0", "--tablePort", "0"],
      ...["--disableTelemetry", "--skipApiVersionCheck", "--silent", "--location", location],
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const ports: Record<string, number> = {};
  await new Promise<void>((resolve) => {
    child.stdout.on("data", (chunk: Buffer) => {
      for (const match of chunk
        .toString("utf8")
        .matchAll(/Azurite (Blob|Queue) service is successfully listening at \S+:(\d+)/g))
        ports[match[1] ?? ""] = Number(match[2]);
      if (ports.Blob && ports.Queue) resolve();
    });
  });
  return {
    connectionString: connectionStringFor(ports.Blob ?? 0, ports.Queue ?? 0),
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** ms from a 201 until the blob's name is in Azurite's metadata file on disk (what survives kill -9). */
async function onDiskAfter(container: ContainerClient, dbFile: string, name: string) {
  await container.getBlockBlobClient(name).upload("x", 1);
  const acknowledged = performance.now();
  for (;;) {
    // When this read began, the file it reads was already on disk: 0 when found on the first read.
    const readStarted = performance.now();
    let text = "";
    try {
      text = readFileSync(dbFile, "utf8");
    } catch {
      // Between the temporary file and its rename.
    }
    if (text.includes(`"${name}"`)) return Math.max(0, readStarted - acknowledged);
    await sleep(5);
  }
}

async function measure(label: string, start: (location: string) => Promise<Running>) {
  const location = mkdtempSync(path.join(os.tmpdir(), "cardpress-durability-bench-"));
  const azurite = await start(location);
  try {
    const container = BlobServiceClient.fromConnectionString(
      azurite.connectionString,
    ).getContainerClient("bench");
    await container.create();
    for (let offset = 0; offset < prefill; offset += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, prefill - offset) }, (_, index) =>
          container.getBlockBlobClient(`prefill/${offset + index}`).upload("x", 1),
        ),
      );
    }
    const dbFile = path.join(location, "__azurite_db_blob__.json");
    const windows: number[] = [];
    for (let index = 0; index < 12; index++) {
      windows.push(await onDiskAfter(container, dbFile, `window/${index}`));
      await sleep(Math.random() * 1000);
    }
    const latencies: number[] = [];
    for (let index = 0; index < 100; index++) {
      const started = performance.now();
      await container.getBlockBlobClient(`sequential/${index}`).upload("x", 1);
      latencies.push(performance.now() - started);
    }
    const concurrentStarted = performance.now();
    await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        container.getBlockBlobClient(`concurrent/${index}`).upload("x", 1),
      ),
    );
    const concurrentMs = performance.now() - concurrentStarted;
    const sortedWindows = [...windows].sort((a, b) => a - b);
    const sortedLatencies = [...latencies].sort((a, b) => a - b);
    const result = {
      label,
      prefilledBlobs: prefill,
      dbFileKiB: Math.round(readFileSync(dbFile).length / 1024),
      windowMs: {
        median: Math.round(percentile(sortedWindows, 50)),
        max: Math.round(percentile(sortedWindows, 100)),
      },
      uploadMs: {
        p50: Math.round(percentile(sortedLatencies, 50)),
        p99: Math.round(percentile(sortedLatencies, 99)),
      },
      concurrentUploadsPerSecond: Math.round(200 / (concurrentMs / 1000)),
    };
    log(
      `${label}: ${prefill} blobs (metadata file ${result.dbFileKiB} KiB): acknowledged → on disk median ${result.windowMs.median} ms, max ${result.windowMs.max} ms; upload p50 ${result.uploadMs.p50} ms, p99 ${result.uploadMs.p99} ms; 200 concurrent: ${result.concurrentUploadsPerSecond}/s`,
    );
    return result;
  } finally {
    await azurite.stop();
    rmSync(location, { recursive: true, force: true });
  }
}

async function main() {
  const results = [
    await measure("as shipped (autosave 5 s)", startShippedAzurite),
    await measure("cardpress (write-through)", (location) => startAzurite({ location })),
  ];
  if (json) console.log(JSON.stringify(results, null, 2));
}

void main();
