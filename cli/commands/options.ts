// Options every storage-backed command shares: where to connect, and --json.
import type { Command } from "commander";
import type { ConnectionFlags } from "../connection";

export interface CommonOptions extends ConnectionFlags {
  json?: boolean;
}

export function withCommonOptions(command: Command): Command {
  return command
    .option(
      "--connection-string <string>",
      "storage connection string (else $AZURE_STORAGE_CONNECTION_STRING)",
    )
    .option("--stack <name>", "read the connection from this Pulumi stack's outputs")
    .option("--json", "print machine-readable JSON on stdout");
}
