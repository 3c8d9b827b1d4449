// What `cardpress smoke` checks: the API URL, function key, storage connection and timer listing, from --stack, flags or the local stack.
import { z } from "zod";
import { readStackFile, stackFilePath } from "../../local";
import { connectionStringVariable, readPulumiStackOutputs } from "../connection";
import { UserError } from "../errors";
import { exitCodes } from "../exitCodes";

export interface SmokeFlags {
  stack?: string;
  apiUrl?: string;
  key?: string;
  connectionString?: string;
  json?: boolean;
}

/** Where the timer check reads which timers the deployment registered, or why it cannot. */
export type TimerSource =
  | { kind: "arm"; resourceGroupName: string; functionAppName: string }
  | { kind: "local"; timers: { functionName: string; schedule: string }[] }
  | { kind: "none"; reason: string };

export interface SmokeTarget {
  /** The API base URL, routes below it (`…/api`), without a trailing slash. */
  apiUrl: string;
  /** Sent as `x-functions-key` (the local host checks none). */
  key?: string;
  /** The storage the poison check reads; absent with the reason in `noConnection`. */
  connectionString?: string;
  noConnection?: string;
  timer: TimerSource;
  /** The local stack: its fixes name npm start rather than Azure. */
  local: boolean;
  /** Where it came from, for the "smoke-testing …" line. */
  source: string;
}

/** The Pulumi stack outputs smoke reads (exported by infra/index.ts). */
const smokeOutputsSchema = z.looseObject({
  apiBaseUrl: z.string().optional(),
  functionKey: z.string().optional(),
  storageConnectionString: z.string().optional(),
  resourceGroupName: z.string().optional(),
  functionAppName: z.string().optional(),
});

const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** `--api-url` checked and normalized: http(s), no trailing slash. */
export function normalizeApiUrl(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new UserError(
      `--api-url ${JSON.stringify(text)} is not an http(s) URL; pass the API's base URL, e.g. https://<app>.azurewebsites.net/api (the stack's apiBaseUrl output)`,
      exitCodes.usage,
    );
  }
  return url.href.replace(/\/+$/, "");
}

/** Whether two API URLs name the same server and path (localhost and 127.0.0.1 are one). */
function sameApi(a: string, b: string): boolean {
  const [left, right] = [new URL(a), new URL(b)];
  const host = (url: URL) => (loopbackHosts.has(url.hostname) ? "loopback" : url.hostname);
  return (
    left.protocol === right.protocol &&
    host(left) === host(right) &&
    left.port === right.port &&
    left.pathname.replace(/\/+$/, "") === right.pathname.replace(/\/+$/, "")
  );
}

function fromPulumiStack(stack: string, flags: SmokeFlags): SmokeTarget {
  const outputs = readPulumiStackOutputs(stack, smokeOutputsSchema);
  const apiUrl = flags.apiUrl ?? outputs.apiBaseUrl;
  if (!apiUrl) {
    throw new UserError(
      `stack ${stack} has no apiBaseUrl output; run \`pulumi up\` for it first, or pass --api-url`,
    );
  }
  const key = flags.key ?? outputs.functionKey;
  const connectionString = flags.connectionString ?? outputs.storageConnectionString;
  const { resourceGroupName, functionAppName } = outputs;
  return {
    apiUrl: normalizeApiUrl(apiUrl),
    ...(key ? { key } : {}),
    ...(connectionString
      ? { connectionString }
      : { noConnection: `stack ${stack} has no storageConnectionString output` }),
    timer:
      resourceGroupName && functionAppName
        ? { kind: "arm", resourceGroupName, functionAppName }
        : {
            kind: "none",
            reason: `stack ${stack} has no resourceGroupName or functionAppName output`,
          },
    local: false,
    source: `Pulumi stack ${stack}`,
  };
}

type StackInfo = NonNullable<ReturnType<typeof readStackFile>>;

function fromLocalStack(local: StackInfo, flags: SmokeFlags): SmokeTarget {
  return {
    apiUrl: normalizeApiUrl(local.httpUrl),
    ...(flags.key ? { key: flags.key } : {}),
    connectionString: flags.connectionString ?? local.connectionString,
    timer: local.timers
      ? { kind: "local", timers: local.timers }
      : {
          kind: "none",
          reason:
            "the local stack was started by a cardpress that does not record its timers; restart npm start",
        },
    local: true,
    source: `local stack (npm start, pid ${local.pid})`,
  };
}

/** An API named by hand: the local stack's if it is that one, else only what the flags and environment give. */
function fromApiUrl(apiUrl: string, flags: SmokeFlags, env: NodeJS.ProcessEnv): SmokeTarget {
  const local = readStackFile(env);
  if (local && sameApi(local.httpUrl, apiUrl)) return { ...fromLocalStack(local, flags), apiUrl };
  const connectionString = flags.connectionString ?? env[connectionStringVariable];
  return {
    apiUrl,
    ...(flags.key ? { key: flags.key } : {}),
    ...(connectionString
      ? { connectionString }
      : {
          noConnection: `no storage connection: pass --connection-string or set ${connectionStringVariable}, or use --stack <name>`,
        }),
    timer: {
      kind: "none",
      reason: "no ARM access: --stack <name> names the Function App to look up",
    },
    local: false,
    source: "--api-url",
  };
}

/**
 * The deployment to check: `--stack` (its outputs; flags override single ones), else `--api-url`
 * (with `--key`, `--connection-string` or AZURE_STORAGE_CONNECTION_STRING), else the running local
 * stack. The environment's connection string is used only with `--api-url`: with `--stack` or the
 * local stack it could name another deployment's storage than the API's.
 */
export function resolveSmokeTarget(
  flags: SmokeFlags,
  env: NodeJS.ProcessEnv = process.env,
): SmokeTarget {
  const apiUrl = flags.apiUrl === undefined ? undefined : normalizeApiUrl(flags.apiUrl);
  if (flags.stack) return fromPulumiStack(flags.stack, { ...flags, ...(apiUrl ? { apiUrl } : {}) });
  if (apiUrl) return fromApiUrl(apiUrl, flags, env);
  const local = readStackFile(env);
  if (!local) {
    throw new UserError(
      `nothing to check: the local stack is not running (no live ${stackFilePath(env)}); start it with npm start, or pass --stack <name> or --api-url <url>`,
      exitCodes.unavailable,
    );
  }
  return fromLocalStack(local, flags);
}
