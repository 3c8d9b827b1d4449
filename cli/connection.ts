// Which storage the CLI talks to: --connection-string, AZURE_STORAGE_CONNECTION_STRING, --stack, or the local stack.
import { spawnSync } from "node:child_process";
import { z, type ZodType } from "zod";
import { connectStorage, type JobStorage } from "../jobs";
import { JsonDocumentError, parseJsonDocument } from "../support";
import { UserError } from "./errors";
import { exitCodes } from "./exitCodes";
import { readStackFile, stackFilePath } from "../local";

export interface ConnectionFlags {
  connectionString?: string;
  stack?: string;
}

export interface ResolvedConnection {
  connectionString: string;
  /** Where it came from, for the "using …" line. */
  source: string;
}

/** The environment variable the Azure tools use for a storage connection string. */
export const connectionStringVariable = "AZURE_STORAGE_CONNECTION_STRING";

/** The Pulumi stack output holding the storage connection string (exported by infra/index.ts). */
export const stackConnectionOutput = "storageConnectionString";

/** `pulumi stack output --json`: every output by name; only the connection string's shape matters here. */
const stackOutputsSchema = z.looseObject({
  [stackConnectionOutput]: z
    .string({ error: "expected the storage connection string (a string)" })
    .optional(),
});

function parseStackOutputs<T>(stdout: string, stack: string, schema: ZodType<T>): T {
  try {
    return parseJsonDocument(stdout, schema, `pulumi stack output for stack ${stack}`);
  } catch (error) {
    if (!(error instanceof JsonDocumentError)) throw error;
    throw new UserError(
      `${error.message}; check the stack with \`pulumi stack output --stack ${stack}\``,
    );
  }
}

/** A Pulumi stack's outputs (secrets shown), validated with `schema`; failures say how to check the stack. */
export function readPulumiStackOutputs<T>(stack: string, schema: ZodType<T>): T {
  const result = spawnSync(
    "pulumi",
    ["stack", "output", "--json", "--show-secrets", "--stack", stack],
    { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 },
  );
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
    throw new UserError(
      `--stack ${stack} needs the Pulumi CLI, which is not installed; install it (https://www.pulumi.com/docs/install/) or pass --connection-string / set ${connectionStringVariable}`,
    );
  }
  if (result.status !== 0) {
    const reason = (result.stderr || String(result.error ?? "")).trim().split("\n")[0];
    throw new UserError(
      `pulumi stack output for stack ${stack} failed (${reason}); check the stack name with \`pulumi stack ls\``,
      exitCodes.unavailable,
    );
  }
  return parseStackOutputs(result.stdout, stack, schema);
}

function fromPulumiStack(stack: string): string {
  const value = readPulumiStackOutputs(stack, stackOutputsSchema)[stackConnectionOutput];
  if (!value) {
    throw new UserError(
      `stack ${stack} has no ${stackConnectionOutput} output; run \`pulumi up\` for it first`,
    );
  }
  return value;
}

export function resolveConnection(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedConnection {
  if (flags.connectionString) {
    return { connectionString: flags.connectionString, source: "--connection-string" };
  }
  const fromEnv = env[connectionStringVariable];
  if (fromEnv) return { connectionString: fromEnv, source: connectionStringVariable };
  if (flags.stack) {
    return {
      connectionString: fromPulumiStack(flags.stack),
      source: `Pulumi stack ${flags.stack}`,
    };
  }
  const local = readStackFile(env);
  if (!local) {
    throw new UserError(
      `no storage connection: the local stack is not running (no live ${stackFilePath(env)}); start it with npm start (or cardpress start where cardpress is installed), or pass --connection-string, set ${connectionStringVariable} or use --stack <name>`,
      exitCodes.unavailable,
    );
  }
  return {
    connectionString: local.connectionString,
    source: `local stack (npm start, pid ${local.pid})`,
  };
}

/** Resolves, says which connection is used (on stderr: --json output stays clean), connects. */
export function openCliStorage(flags: ConnectionFlags): JobStorage {
  const resolved = resolveConnection(flags);
  process.stderr.write(`cardpress: using ${resolved.source}\n`);
  try {
    return connectStorage({ connectionString: resolved.connectionString });
  } catch (error) {
    throw new UserError(`${(error as Error).message}; check the connection string`);
  }
}
