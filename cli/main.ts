// The `cardpress` command line: parses arguments with commander; each command loads its module only when it runs.
import { readFileSync } from "node:fs";
import path from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { exitCodes, UserError } from "./exitCodes";
import { registerStorageCommands } from "./commands/register";
import { packageRoot } from "../support";

/*
 * Start-up time is part of the CLI's contract (README, Performance): this module and register.ts
 * import only commander and small local modules at the top. A command's implementation (the
 * renderer with zod, canvas and sharp; the Azure Storage SDK; the local host) is loaded with
 * `await import()` inside its action, so `--help` loads none of them and `render` never loads
 * the storage SDK. tests/package/startup.test.ts checks which packages each command loads.
 */

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new InvalidArgumentError("expected a whole number ≥ 1");
  return parsed;
}

/** cardpress's own version, from the package.json it ships with. */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(packageRoot(), "package.json"), "utf8")) as {
    version: string;
  };
  return manifest.version;
}

export function buildProgram(): Command {
  const program = new Command("cardpress")
    .description(
      "Render social cards and covers from JSON specs — locally, or in batches on Azure Functions.",
    )
    .version(packageVersion(), "-V, --version", "print cardpress's version")
    .showHelpAfterError()
    .exitOverride();

  program
    .command("render")
    .description("render a card spec or batch file to image files locally (no storage needed)")
    .argument("<file>", "card spec or batch file (.json)")
    .option("-o, --out <dir>", "output folder", "out")
    .option(
      "--assets <dir>",
      "folder that asset names (logo, background) are relative to (default: the file's folder)",
    )
    .option("-c, --concurrency <n>", "renders in flight", positiveInteger, 2)
    .option("--json", "print machine-readable results")
    .action(
      async (
        file: string,
        options: { out: string; assets?: string; concurrency: number; json?: boolean },
      ) => {
        const { printRenderResults, renderExitCode, renderToFiles } =
          await import("./commands/render");
        const results = await renderToFiles(file, {
          outDir: options.out,
          assetsDir: options.assets,
          concurrency: options.concurrency,
        });
        printRenderResults(results, Boolean(options.json));
        process.exitCode = renderExitCode(results);
      },
    );

  registerStorageCommands(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof UserError) {
      console.error(`cardpress: ${error.message}`);
      process.exitCode = error.exitCode;
      return;
    }
    // commander has already printed its own message for usage errors (and --help, --version).
    if (error instanceof Error && "exitCode" in error && typeof error.exitCode === "number") {
      process.exitCode = error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
      return;
    }
    throw error;
  }
}

if (require.main === module) void main();
