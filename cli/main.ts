// The `cardpress` command line: parses arguments with commander; each command loads its module only when it runs.
import { readFileSync } from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { reportCliError } from "./errors";
import { registerCommands } from "./commands/register";
import { packageRoot } from "../support";

/*
 * Start-up time is part of the CLI's contract (README, Performance): this module and
 * cli/commands/register.ts (where every command is declared) import only commander and small
 * local modules at the top. A command's implementation (the renderer with zod, canvas and sharp;
 * the Azure Storage SDK; the local host) is loaded with `await import()` inside its action, so
 * `--help` loads none of them and `render` never loads the storage SDK. tests/package/startup.test.ts checks which packages each command loads.
 */

/**
 * cardpress's own version, from the package.json it ships with. Checked by hand, not with a zod
 * schema: `--version` and `--help` must not load zod.
 */
function packageVersion(): string {
  const file = path.join(packageRoot(), "package.json");
  const manifest: unknown = JSON.parse(readFileSync(file, "utf8"));
  const version =
    typeof manifest === "object" && manifest !== null && "version" in manifest
      ? manifest.version
      : undefined;
  if (typeof version !== "string" || !version) {
    throw new Error(
      `${file}: version: expected the package's version string, received ${JSON.stringify(version) ?? "nothing"}`,
    );
  }
  return version;
}

export function buildProgram(): Command {
  const program = new Command("cardpress")
    .description(
      "Render social cards and covers from JSON specs — locally, or in batches on Azure Functions.",
    )
    .version(packageVersion(), "-V, --version", "print cardpress's version")
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    // An error's exit code is decided in cli/errors.ts; a result's, by the command (cli/exitCodes.ts).
    const exitCode = reportCliError(error);
    if (exitCode === undefined) throw error;
    process.exitCode = exitCode;
  }
}

if (require.main === module) void main();
