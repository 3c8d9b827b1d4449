// The whole system on one machine: Azurite, the containers and queues, and the local Functions host.
import path from "node:path";
import { names } from "../../jobs/settings";
import { connectStorage, ensureStorageResources } from "../../jobs/storage";
import { stateDir } from "../paths";
import { startAzurite, type RunningAzurite } from "./azurite";
import {
  startLocalFunctionsHost,
  type LocalFunctionsHost,
  type LocalHostOptions,
} from "./functionsHost";
import { removeStackFile, writeStackFile } from "./stackFile";

export interface LocalStackOptions extends Omit<LocalHostOptions, "env"> {
  /** Azurite data folder; omitted means `<state dir>/azurite`. Ignored with inMemory. */
  location?: string;
  inMemory?: boolean;
  /** Record the stack in the state folder for CLI commands in other shells (npm start does). */
  record?: boolean;
}

export interface LocalStack {
  connectionString: string;
  httpUrl: string;
  azurite: RunningAzurite;
  host: LocalFunctionsHost;
  /** Stops the host first (in-flight work finishes or is requeued), then Azurite. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts the stack in this process. The functions read their connection from the app setting
 * (AzureWebJobsStorage), so it is set here for this process, as `func start` would from
 * local.settings.json.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const location = options.inMemory
    ? undefined
    : path.resolve(options.location ?? path.join(stateDir(), "azurite"));
  const azurite = await startAzurite(location ? { location } : {});
  try {
    process.env[names.connectionSetting] = azurite.connectionString;
    await ensureStorageResources(connectStorage({ connectionString: azurite.connectionString }));
    const host = await startLocalFunctionsHost({ ...options, env: process.env });
    if (options.record) {
      writeStackFile({
        connectionString: azurite.connectionString,
        httpUrl: host.httpUrl,
        pid: process.pid,
        startedAt: new Date().toISOString(),
        persistent: Boolean(location),
      });
    }
    return {
      connectionString: azurite.connectionString,
      httpUrl: host.httpUrl,
      azurite,
      host,
      async stop(graceMs) {
        if (options.record) removeStackFile(process.pid);
        await host.stop(graceMs);
        await azurite.stop();
      },
    };
  } catch (error) {
    await azurite.stop();
    throw error;
  }
}
