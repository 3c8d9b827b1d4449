// The `cardpress` command line: parses arguments with commander and dispatches to one module per command.
import { Command, InvalidArgumentError } from "commander";
import { exitCodes, UserError } from "./exit-codes";
import { printRenderResults, renderExitCode, renderToFiles } from "./commands/render";
import { registerStorageCommands } from "./commands/register";

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new InvalidArgumentError("expected a whole number ≥ 1");
  return parsed;
}

export function buildProgram(): Command {
  const program = new Command("cardpress")
    .description(
      "Render social cards and covers from JSON specs — locally, or in batches on Azure Functions.",
    )
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
    // commander has already printed its own message for usage errors.
    if (error instanceof Error && "exitCode" in error && typeof error.exitCode === "number") {
      process.exitCode = error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
      return;
    }
    throw error;
  }
}

if (require.main === module) void main();
