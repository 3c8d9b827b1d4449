// Flags and argument parsers the commands share: where to connect, --json, durations, counts and ports.
import { type Command, InvalidArgumentError, Option } from "commander";
import { type ConnectionFlags } from "../connection";
import { parseDuration } from "../duration";

export interface CommonOptions extends ConnectionFlags {
  json?: boolean;
}

/** The flags of every storage-backed command, after its own. */
export function withCommonOptions(command: Command): Command {
  return command
    .option(
      "--connection-string <string>",
      "storage connection string (else $AZURE_STORAGE_CONNECTION_STRING)",
    )
    .option("--stack <name>", "read the connection from this Pulumi stack's outputs")
    .option("--json", "print machine-readable JSON on stdout");
}

/**
 * A duration option whose help shows its default as a user types it (`default: 10m`), not as the
 * milliseconds the parser returns, which the option itself would reject.
 */
export function durationOption(
  flags: string,
  description: string,
  defaultDuration: string,
): Option {
  return new Option(flags, description)
    .argParser(parseDuration)
    .default(parseDuration(defaultDuration), defaultDuration);
}

export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new InvalidArgumentError("expected a whole number ≥ 1");
  return parsed;
}

export function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new InvalidArgumentError("expected a port number 0-65535 (0 picks a free one)");
  }
  return parsed;
}
