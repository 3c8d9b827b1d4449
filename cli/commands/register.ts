// Declares the storage-backed commands (enqueue, status, wait, urls, download, demo, start) on the program.
import type { BatchStatus } from "../../jobs/status";
import { type Command, InvalidArgumentError } from "commander";
import { openCliStorage } from "../connection";
import { withUserErrors } from "../errors";
import { exitCodes } from "../exit-codes";
import { printJson } from "../output";
import { parseDuration } from "../duration";
import { downloadBatch, printDownloaded } from "./download";
import { enqueueFile, printEnqueued } from "./enqueue";
import { withCommonOptions, type CommonOptions } from "./options";
import { printStatus, readStatus, statusExitCode } from "./status";
import { printUrls, readBatchUrls } from "./urls";
import { progressMode, waitForBatch } from "./wait";

const defaultWaitTimeout = "10m";

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new InvalidArgumentError("expected a port number 0-65535 (0 picks a free one)");
  }
  return parsed;
}

function downloadExitCode(failed: number, pending: number): number {
  return failed || pending ? exitCodes.itemsFailed : exitCodes.ok;
}

/** Prints a batch's status (JSON or lines) and sets the exit code from it. */
function reportStatus(status: BatchStatus, json: boolean | undefined): void {
  if (json) printJson(status);
  else printStatus(status);
  process.exitCode = statusExitCode(status);
}

/*
 * `demo` and `start` load functions/ (whose `app.*` calls print "test mode" warnings outside the
 * real host), so those modules are imported only when one of them runs: the other commands stay
 * quiet and start faster.
 */
export function registerStorageCommands(program: Command): void {
  withCommonOptions(
    program
      .command("enqueue")
      .description("upload a batch file's assets and queue it for rendering")
      .argument("<batch.json>", "batch file; asset names resolve relative to its folder")
      .option("--wait", "wait until the batch is finished")
      .option(
        "--download <dir>",
        "after waiting, download the images into this folder (implies --wait)",
      )
      .option(
        "--timeout <duration>",
        "longest wait, e.g. 90s, 10m",
        parseDuration,
        parseDuration(defaultWaitTimeout),
      ),
  ).action(
    withUserErrors(
      async (
        file: string,
        options: CommonOptions & { wait?: boolean; download?: string; timeout: number },
      ) => {
        const storage = openCliStorage(options);
        const enqueued = await enqueueFile(storage, file);
        if (!options.wait && !options.download) {
          if (options.json) printJson(enqueued);
          else printEnqueued(enqueued);
          if (enqueued.rejected.length) process.exitCode = exitCodes.itemsFailed;
          return;
        }
        if (!options.json) printEnqueued(enqueued);
        const status = await waitForBatch(storage, enqueued.batchId, {
          timeoutMs: options.timeout,
          intervalMs: 500,
          progress: progressMode(options.json),
        });
        const downloaded = options.download
          ? await downloadBatch(storage, enqueued.batchId, options.download)
          : undefined;
        if (options.json) printJson({ ...enqueued, status, ...(downloaded ? { downloaded } : {}) });
        else if (downloaded) printDownloaded(downloaded);
        else printStatus(status);
        process.exitCode = statusExitCode(status);
      },
    ),
  );

  withCommonOptions(
    program.command("status").description("show a batch's progress").argument("<batchId>"),
  ).action(
    withUserErrors(async (batchId: string, options: CommonOptions) => {
      const status = await readStatus(openCliStorage(options), batchId);
      reportStatus(status, options.json);
    }),
  );

  withCommonOptions(
    program
      .command("wait")
      .description("wait until a batch is finished (progress bar on a terminal)")
      .argument("<batchId>")
      .option(
        "--timeout <duration>",
        "longest wait, e.g. 90s, 10m",
        parseDuration,
        parseDuration(defaultWaitTimeout),
      ),
  ).action(
    withUserErrors(async (batchId: string, options: CommonOptions & { timeout: number }) => {
      const status = await waitForBatch(openCliStorage(options), batchId, {
        timeoutMs: options.timeout,
        intervalMs: 500,
        progress: progressMode(options.json),
      });
      reportStatus(status, options.json);
    }),
  );

  withCommonOptions(
    program
      .command("urls")
      .description("print fresh read-only SAS URLs for a batch's images")
      .argument("<batchId>")
      .option(
        "--ttl <duration>",
        "how long the URLs work, e.g. 30m, 2h (default: SAS_TTL_MINUTES)",
        parseDuration,
      ),
  ).action(
    withUserErrors(async (batchId: string, options: CommonOptions & { ttl?: number }) => {
      const urls = await readBatchUrls(openCliStorage(options), batchId, options.ttl);
      if (options.json) printJson(urls);
      else printUrls(urls);
      process.exitCode = downloadExitCode(urls.failed.length, urls.pending.length);
    }),
  );

  withCommonOptions(
    program
      .command("download")
      .description("download a batch's finished images into a folder")
      .argument("<batchId>")
      .argument("<dir>", "folder for <itemId>.<ext> files (created if missing)"),
  ).action(
    withUserErrors(async (batchId: string, dir: string, options: CommonOptions) => {
      const result = await downloadBatch(openCliStorage(options), batchId, dir);
      if (options.json) printJson(result);
      else printDownloaded(result);
      process.exitCode = downloadExitCode(result.failed.length, result.pending.length);
    }),
  );

  program
    .command("demo")
    .description(
      "full local round trip: Azurite, enqueue examples/batch.json, wait, download to out/, contact sheet",
    )
    .option("-o, --out <dir>", "output folder", "out")
    .option(
      "--timeout <duration>",
      "longest wait for the batch",
      parseDuration,
      parseDuration("2m"),
    )
    .option("--json", "print machine-readable JSON on stdout")
    .action(
      withUserErrors(async (options: { out: string; timeout: number; json?: boolean }) => {
        const { runDemo } = await import("./demo");
        const { exitCode } = await runDemo({
          outDir: options.out,
          timeoutMs: options.timeout,
          json: Boolean(options.json),
        });
        process.exitCode = exitCode;
      }),
    );

  program
    .command("start")
    .description(
      "run the local stack (Azurite + the Functions host emulator) until Ctrl-C; npm start",
    )
    .option("--in-memory", "keep Azurite's data in memory (lost at exit) instead of .cardpress/")
    .option("--location <dir>", "Azurite data folder (default: .cardpress/azurite)")
    .option("--port <port>", "HTTP port of the functions", port, 7071)
    .option("--grace <seconds>", "time in-flight messages get to finish at Ctrl-C", Number, 20)
    .option("--json", "print the stack's connection info as JSON when ready")
    .action(
      withUserErrors(
        async (options: {
          inMemory?: boolean;
          location?: string;
          port: number;
          grace: number;
          json?: boolean;
        }) => {
          const { runLocalStack } = await import("./start");
          process.exitCode = await runLocalStack({
            port: options.port,
            graceSeconds: options.grace,
            ...(options.inMemory ? { inMemory: true } : {}),
            ...(options.location ? { location: options.location } : {}),
            ...(options.json ? { json: true } : {}),
          });
        },
      ),
    );
}
