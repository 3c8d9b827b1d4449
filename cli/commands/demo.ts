// `cardpress demo` (npm run demo): local stack, enqueue the example batch, wait, download, contact sheet, stop.
import path from "node:path";
import { names, readSettings } from "../../settings";
import { type BatchStatus, connectStorage } from "../../jobs";
import { warningLines } from "../cardWarnings";
import { writeContactSheet } from "../contactSheet";
import { batchExitCode } from "../exitCodes";
import { consoleLogHandler, startLocalStack } from "../../local";
import { packageRoot } from "../../support";
import { note, printJson } from "../output";
import { downloadBatch, type DownloadResult } from "./download";
import { enqueueFile } from "./enqueue";
import { progressMode, waitForBatch } from "./wait";

export interface DemoOptions {
  outDir: string;
  timeoutMs: number;
  json?: boolean;
}

export interface DemoResult extends DownloadResult {
  contactSheet: string;
  seconds: number;
}

/**
 * Small chunks so the cards fan out over the host's concurrent messages and the progress bar
 * moves; a CHUNK_SIZE set in the environment wins.
 */
const demoChunkSize = "5";

/** stdout is `<id><TAB><url>` lines only; the warnings, naming their card, and the summary are notes. */
function printDemoResult(result: DemoResult, status: BatchStatus): void {
  for (const file of result.files) console.log(`${file.id}\t${file.url ?? ""}`);
  for (const { id, error } of result.failed) console.log(`${id}\tfailed: ${error}`);
  for (const file of result.files)
    for (const line of warningLines(file.warnings, { cardId: file.id })) note(line);
  note(
    `cardpress demo: ${status.done} rendered, ${status.failed} failed; images in ${result.dir}/, contact sheet ${result.contactSheet} (${result.seconds} s)`,
  );
}

export async function runDemo(
  options: DemoOptions,
): Promise<{ result: DemoResult; exitCode: number }> {
  const started = Date.now();
  // The demo's app settings, for its stack's functions and its own enqueue; the environment wins.
  const appSettings: NodeJS.ProcessEnv = { CHUNK_SIZE: demoChunkSize, ...process.env };
  note("cardpress demo: starting Azurite (in memory) and the local Functions host…");
  // Port 0: the demo never collides with an `npm start` already listening on 7071.
  const stack = await startLocalStack({
    inMemory: true,
    port: 0,
    env: appSettings,
    // Keep the progress bar clean: only trouble from the host is worth printing here.
    log: (level, ...args) => {
      if (level === "warning" || level === "error") consoleLogHandler(level, ...args);
    },
  });
  try {
    const storage = connectStorage({ connectionString: stack.connectionString });
    note(`cardpress: using the demo's own Azurite (${names.connectionSetting} of this process)`);
    const batchFile = path.join(packageRoot(), "examples", "batch.json");
    const enqueued = await enqueueFile(storage, batchFile, readSettings(appSettings));
    // On stderr with the other notes: the demo's stdout is only `<id><TAB><url>` lines.
    if (!options.json) {
      note(
        `cardpress demo: batch ${enqueued.batchId}: ${enqueued.accepted} cards queued in ${enqueued.chunkCount} chunks`,
      );
    }
    const status = await waitForBatch(storage, enqueued.batchId, {
      timeoutMs: options.timeoutMs,
      intervalMs: 250,
      progress: progressMode(options.json),
    });
    const downloaded = await downloadBatch(storage, enqueued.batchId, options.outDir, {
      withUrls: true,
    });
    const contactSheet = writeContactSheet(downloaded, {
      urlNote:
        "The SAS URLs point at the demo's Azurite, which stopped when the demo ended; the images shown are the downloaded copies next to this page.",
    });
    const result: DemoResult = {
      ...downloaded,
      contactSheet,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
    if (options.json) printJson(result);
    else printDemoResult(result, status);
    return { result, exitCode: batchExitCode(status) };
  } finally {
    await stack.stop(5_000);
  }
}
