// Declares every cardpress command (name, arguments, flags, help), one register function each; an action loads its command's module only when it runs.
import { type Command, InvalidArgumentError } from "commander";
import { parseDuration, secondsWithin } from "../duration";
import { withUserErrors } from "../errors";
import type { EnqueueFlags } from "./enqueue";
import {
  durationOption,
  port,
  positiveInteger,
  withCommonOptions,
  type CommonOptions,
} from "./options";
import type { RenderFlags } from "./render";
import type { SignFlags } from "./sign";
import type { SmokeFlags } from "./smokeTarget";
import type { PreviewFlags } from "./templates";

/*
 * Only commander and small local modules are imported here (see cli/main.ts; `import type` is
 * erased): an action imports what it needs when it runs, so `--help` and `render` never load the
 * Azure Storage SDK, zod or functions/ (whose `app.*` calls print "test mode" warnings outside the
 * real host).
 *
 * To add a command: write its module in cli/commands/<name>.ts with a `run<Name>Command` that
 * sets process.exitCode through cli/exitCodes.ts's rule, then a register function here, listed in
 * registerCommands. A flag goes in its command's register function; one every storage-backed
 * command takes goes in options.ts's withCommonOptions.
 */

const defaultWaitTimeout = "10m";

/**
 * Not wrapped in withUserErrors: its translation loads every layer's errors, the storage SDK's
 * among them, which `render` must never load; render.ts turns its own failures into UserErrors.
 */
function registerRender(program: Command): void {
  program
    .command("render")
    .description("render a card spec or batch file to image files locally (no storage needed)")
    .argument("<file>", "card spec or batch file (.json)")
    .option("-o, --out <dir>", "output folder", "out")
    .option(
      "--assets <dir>",
      "folder that asset names (logo, background) are relative to (default: the file's folder)",
    )
    .option(
      "--templates <dir>",
      "folder where template names are looked up as <dir>/<name>.json (default: templates/ beside the file)",
    )
    .option("-c, --concurrency <n>", "renders in flight", positiveInteger, 2)
    .option("--json", "print machine-readable results")
    .action(async (file: string, options: RenderFlags) =>
      (await import("./render")).runRenderCommand(file, options),
    );
}

function registerEnqueue(program: Command): void {
  withCommonOptions(
    program
      .command("enqueue")
      .description("upload a batch file's assets and queue it for rendering")
      .argument("<batch.json>", "batch file; asset names resolve relative to its folder")
      .option("--wait", "wait until the batch is finished")
      .option(
        "--templates <dir>",
        "folder where template names are looked up as <dir>/<name>.json before storage (default: templates/ beside the batch)",
      )
      .option(
        "--download <dir>",
        "after waiting, download the images into this folder (implies --wait)",
      )
      .addOption(
        durationOption("--timeout <duration>", "longest wait, e.g. 90s, 10m", defaultWaitTimeout),
      ),
  ).action(
    withUserErrors(async (file: string, options: EnqueueFlags) =>
      (await import("./enqueue")).runEnqueueCommand(file, options),
    ),
  );
}

function registerStatus(program: Command): void {
  withCommonOptions(
    program.command("status").description("show a batch's progress").argument("<batchId>"),
  ).action(
    withUserErrors(async (batchId: string, options: CommonOptions) =>
      (await import("./status")).runStatusCommand(batchId, options),
    ),
  );
}

function registerWait(program: Command): void {
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
}

function registerUrls(program: Command): void {
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
}

function registerSign(program: Command): void {
  withCommonOptions(
    program
      .command("sign")
      .description(
        "print the signed GET /api/og URL of a card (for og:image); against the local stack it needs no flags",
      )
      .argument(
        "<card.json>",
        "one card; its template is pinned (a local one pushed first) and its asset files uploaded, as enqueue does",
      )
      .option(
        "--base-url <url>",
        "where the og route answers, e.g. https://cards.example.com (default: --stack's, else the local stack's)",
      )
      .option(
        "--key-file <file>",
        "file holding the signing key (default: $CARDPRESS_OG_KEY, else --stack's, else the local stack's dev key)",
      )
      .option(
        "--templates <dir>",
        "folder where template names are looked up as <dir>/<name>.json before storage (default: templates/ beside the card)",
      ),
  ).action(
    withUserErrors(async (file: string, options: SignFlags) =>
      (await import("./sign")).runSignCommand(file, options),
    ),
  );
}

function registerDownload(program: Command): void {
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
}

function registerDemo(program: Command): void {
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
}

function registerStart(program: Command): void {
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

function registerSmoke(program: Command): void {
  program
    .command("smoke")
    .description(
      "check a deployment end to end in under a minute: health, a render, a batch through the queue, its images, the poison queue, the timer",
    )
    .option(
      "--stack <name>",
      "check this Pulumi stack (its apiBaseUrl, functionKey and storage outputs)",
    )
    .option("--api-url <url>", "the API's base URL, e.g. https://<app>.azurewebsites.net/api")
    .option(
      "--key <key>",
      "the function key, sent as x-functions-key (with --stack: its functionKey output)",
    )
    .option("--connection-string <string>", "storage connection string, for the poison-queue check")
    .option("--json", "print machine-readable JSON on stdout")
    .action(
      withUserErrors(async (options: SmokeFlags) =>
        (await import("./smoke")).runSmokeCommand(options),
      ),
    );
}

function number(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0)
    throw new InvalidArgumentError("expected a number > 0");
  return parsed;
}

/**
 * `validate` and `preview` are not wrapped in withUserErrors, for the reason given at render: they
 * need no storage, and translate their own failures into UserErrors.
 */
function registerTemplates(program: Command): void {
  const templates = program
    .command("templates")
    .description("your own templates: validate, preview without storage, push to storage, list");
  templates
    .command("validate")
    .description(
      "check template files: every error with its JSON path, line and column; prints each content hash",
    )
    .argument("<template.json...>", "template files")
    .option("--json", "print machine-readable results")
    .action(async (files: string[], options: { json?: boolean }) =>
      (await import("./templates")).runValidateCommand(files, options),
    );
  templates
    .command("preview")
    .description("render a template with sample params to an image file, with no storage at all")
    .argument("<template.json>", "template file; its fonts and images resolve against its folder")
    .option("--params <json>", 'param values as a JSON object, e.g. \'{"quote": "Hello"}\'')
    .option(
      "--params-file <file>",
      "param values from a JSON file (--params overrides it key by key)",
    )
    .option(
      "--size <size>",
      "a preset (og, square, …) or <width>x<height> (default: the template's size)",
    )
    .option("--format <format>", "png, jpeg, webp or avif (default: from -o's extension, else png)")
    .option("--scale <n>", "pixel density, e.g. 2", number)
    .option("-o, --out <file>", "image file to write (default: <template>.<format> here)")
    .option("--json", "print machine-readable results")
    .action(async (file: string, options: PreviewFlags) =>
      (await import("./templates")).runPreviewCommand(file, options),
    );
  withCommonOptions(
    templates
      .command("push")
      .description(
        "upload template files (with their fonts and images) to storage, by name and content hash",
      )
      .argument("<template.json...>", "template files"),
  ).action(
    withUserErrors(async (files: string[], options: CommonOptions) =>
      (await import("./templatesStore")).runPushCommand(files, options),
    ),
  );
  withCommonOptions(
    templates
      .command("list")
      .description("list the templates in storage: name, version, last push, params")
      .option("--prefix <prefix>", 'only names starting with this, e.g. "brand/"'),
  ).action(
    withUserErrors(async (options: CommonOptions & { prefix?: string }) =>
      (await import("./templatesStore")).runListCommand(options),
    ),
  );
}

/** Every command, in the order `cardpress --help` lists them. */
export function registerCommands(program: Command): void {
  for (const register of [
    registerRender,
    registerEnqueue,
    registerStatus,
    registerWait,
    registerUrls,
    registerSign,
    registerDownload,
    registerTemplates,
    registerDemo,
    registerStart,
    registerSmoke,
  ]) {
    register(program);
  }
}
