// Declares the storage-backed commands (enqueue, status, wait, urls, download, demo, start); each loads its code when it runs.
import { type Command, InvalidArgumentError, Option } from "commander";
import { parseDuration, secondsWithin } from "../duration";
import { withCommonOptions, type CommonOptions } from "./options";

/*
 * Only commander and small local modules are imported here (see cli/main.ts): an action imports
 * what it needs when it runs, so `--help` and `render` never load the Azure Storage SDK, zod or
 * functions/ (whose `app.*` calls print "test mode" warnings outside the real host).
 */

/** cli/errors.ts's withUserErrors, loaded when the action runs (it pulls in zod and the job errors). */
function withUserErrors<Args extends unknown[]>(
  action: (...args: Args) => Promise<void>,
): (...args: Args) => Promise<void> {
  return async (...args) => {
    const errors = await import("../errors");
    await errors.withUserErrors(action)(...args);
  };
}

/**
 * A duration option whose help shows its default as a user types it (`default: 10m`), not as the
 * milliseconds the parser returns, which the option itself would reject.
 */
function durationOption(flags: string, description: string, defaultDuration: string): Option {
  return new Option(flags, description)
    .argParser(parseDuration)
    .default(parseDuration(defaultDuration), defaultDuration);
}

const defaultWaitTimeout = "10m";

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new InvalidArgumentError("expected a port number 0-65535 (0 picks a free one)");
  }
  return parsed;
}

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
      .addOption(
        durationOption("--timeout <duration>", "longest wait, e.g. 90s, 10m", defaultWaitTimeout),
      ),
  ).action(
    withUserErrors(
      async (
        file: string,
        options: CommonOptions & { wait?: boolean; download?: string; timeout: number },
      ) => {
        const [
          { openCliStorage },
          { batchExitCode, exitCodes },
          { printJson },
          { downloadBatch, printDownloaded },
          { enqueueFile, printEnqueued },
          { printStatus },
          { progressMode, waitForBatch },
        ] = await Promise.all([
          import("../connection"),
          import("../exitCodes"),
          import("../output"),
          import("./download"),
          import("./enqueue"),
          import("./status"),
          import("./wait"),
        ]);
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
        process.exitCode = batchExitCode(status);
      },
    ),
  );

  withCommonOptions(
    program.command("status").description("show a batch's progress").argument("<batchId>"),
  ).action(
    withUserErrors(async (batchId: string, options: CommonOptions) =>
      (await import("./status")).runStatusCommand(batchId, options),
    ),
  );

  withCommonOptions(
    program
      .command("wait")
      .description("wait until a batch is finished (progress bar on a terminal)")
      .argument("<batchId>")
      .addOption(
        durationOption("--timeout <duration>", "longest wait, e.g. 90s, 10m", defaultWaitTimeout),
      ),
  ).action(
    withUserErrors(async (batchId: string, options: CommonOptions & { timeout: number }) =>
      (await import("./wait")).runWaitCommand(batchId, options),
    ),
  );

  withCommonOptions(
    program
      .command("urls")
      .description("print fresh read-only SAS URLs for a batch's images")
      .argument("<batchId>")
      .option(
        "--ttl <duration>",
        "how long the URLs work, 1m to 7d, e.g. 30m, 2h; never past the batch's expiry (default: SAS_TTL_MINUTES)",
        parseDuration,
      ),
  ).action(
    withUserErrors(async (batchId: string, options: CommonOptions & { ttl?: number }) =>
      (await import("./urls")).runUrlsCommand(batchId, options),
    ),
  );

  withCommonOptions(
    program
      .command("download")
      .description("download a batch's finished images into a folder")
      .argument("<batchId>")
      .argument("<dir>", "folder for <itemId>.<ext> files (created if missing)"),
  ).action(
    withUserErrors(async (batchId: string, dir: string, options: CommonOptions) =>
      (await import("./download")).runDownloadCommand(batchId, dir, options),
    ),
  );

  program
    .command("demo")
    .description(
      "full local round trip: Azurite, enqueue examples/batch.json, wait, download to out/, contact sheet",
    )
    .option("-o, --out <dir>", "output folder", "out")
    .addOption(durationOption("--timeout <duration>", "longest wait for the batch", "2m"))
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
    .option(
      "--grace <seconds>",
      "seconds in-flight messages get to finish at Ctrl-C, 0 to 600 (a function's longest run)",
      secondsWithin(0, 600),
      20,
    )
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
