// The whole system on one machine: Azurite, the containers and queues, and the local Functions host.
import path from "node:path";
import { names } from "../settings";
import { connectStorage, ensureStorageResources } from "../jobs";
import { stateDir } from "./stateDir";
import { startAzurite, type RunningAzurite } from "./azurite";
import { lockDataFolder } from "./dataFolderLock";
import {
  startLocalFunctionsHost,
  type LocalFunctionsHost,
  type LocalHostOptions,
} from "./functionsHost";
import { ephemeralSigningKey, localSigningKey } from "./ogKey";
import { processStartTime } from "./processInfo";
import { removeStackFile, writeStackFile } from "./stackFile";

export interface LocalStackOptions extends LocalHostOptions {
  /** Azurite data folder; omitted means `<state dir>/azurite`. Ignored with inMemory. */
  location?: string;
  inMemory?: boolean;
  /** Record the stack in the state folder for CLI commands in other shells (npm start does). */
  record?: boolean;
}

export interface LocalStack {
  connectionString: string;
  httpUrl: string;
  /** The key card URLs are verified with (CARDPRESS_OG_KEY of the handlers' env): sign with it. */
  ogSigningKey: string;
  azurite: RunningAzurite;
  host: LocalFunctionsHost;
  /** Stops the host first (in-flight work finishes or is requeued), then Azurite. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts the stack in this process. The functions get their app settings as a value: `env`
 * (default process.env) with the connection setting (AzureWebJobsStorage) pointing at this stack's
 * Azurite, as `func start` adds local.settings.json's values; this process's environment is untouched.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const location = options.inMemory
    ? undefined
    : path.resolve(options.location ?? path.join(stateDir(), "azurite"));
  // Refuses a folder another live stack uses; stops the Azurite a killed stack left on it.
  const lock = location ? await lockDataFolder(location) : undefined;
  let azurite: RunningAzurite;
  try {
    // Recorded at spawn, not once it listens: killed while Azurite starts, this stack leaves an
    // Azurite that the next start must find in the lock to wait for.
    azurite = await startAzurite(
      location ? { location, onSpawn: (pid) => lock?.setAzuritePid(pid) } : {},
    );
  } catch (error) {
    lock?.release();
    throw error;
  }
  const stopAzurite = async () => {
    await azurite.stop();
    lock?.release();
  };
  try {
    await ensureStorageResources(connectStorage({ connectionString: azurite.connectionString }));
    const env = options.env ?? process.env;
    // A key in the env wins (as an app setting would); else the dev key, kept across restarts; a
    // throwaway stack (in memory, not recorded: tests) gets a key of its own that is never written.
    const ogSigningKey =
      env[names.ogKeySettings.current] ||
      (options.inMemory && !options.record ? ephemeralSigningKey() : localSigningKey());
    const host = await startLocalFunctionsHost({
      ...options,
      env: {
        ...env,
        [names.connectionSetting]: azurite.connectionString,
        [names.ogKeySettings.current]: ogSigningKey,
      },
    });
    if (options.record) {
      const pidStartTime = processStartTime();
      writeStackFile({
        connectionString: azurite.connectionString,
        httpUrl: host.httpUrl,
        pid: process.pid,
        ...(pidStartTime ? { pidStartTime } : {}),
        startedAt: new Date().toISOString(),
        persistent: Boolean(location),
        ...(location ? { dataFolder: location } : {}),
        cwd: process.cwd(),
        ogSigningKey,
        timers: host.timers.map(({ functionName, schedule }) => ({ functionName, schedule })),
      });
    }
    return {
      connectionString: azurite.connectionString,
      httpUrl: host.httpUrl,
      ogSigningKey,
      azurite,
      host,
      async stop(graceMs) {
        if (options.record) removeStackFile(process.pid);
        await host.stop(graceMs);
        await stopAzurite();
      },
    };
  } catch (error) {
    await stopAzurite();
    throw error;
  }
}
