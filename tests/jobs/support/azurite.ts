// Test setup: one in-memory Azurite per test file, and the app settings that point the functions at it.
import type { AppSettings } from "../../../functions/host";
import { startAzurite, type RunningAzurite } from "../../../local/azurite";
import { names } from "../../../settings";
import { connectStorage, ensureStorageResources, type JobStorage } from "../../../jobs/storage";

export interface AzuriteFixture {
  azurite: RunningAzurite;
  storage: JobStorage;
  /** The app settings a function reads to reach this Azurite: pass them to its `<name>Handler` factory. */
  appSettings: Readonly<AppSettings>;
}

/** Starts Azurite in beforeAll and stops it in afterAll; the process environment is left alone. */
export function useAzurite(): () => AzuriteFixture {
  let fixture: AzuriteFixture | undefined;
  beforeAll(async () => {
    const azurite = await startAzurite();
    const storage = connectStorage({ connectionString: azurite.connectionString });
    await ensureStorageResources(storage);
    const appSettings = Object.freeze({ [names.connectionSetting]: azurite.connectionString });
    fixture = { azurite, storage, appSettings };
  }, 30_000);
  afterAll(async () => {
    await fixture?.azurite.stop();
  });
  return () => {
    if (!fixture) throw new Error("Azurite fixture used outside a test");
    return fixture;
  };
}

/**
 * A function's handler for the fixture's app settings (and `extra` ones, e.g. CHUNK_SIZE), built
 * when called: a test file declares it at the top, before Azurite has started and its
 * connection string is known.
 */
export function handlerFor<Args extends unknown[], Result>(
  fixture: () => AzuriteFixture,
  factory: (appSettings: AppSettings) => (...args: Args) => Result,
  extra: AppSettings = {},
): (...args: Args) => Result {
  return (...args) => factory({ ...fixture().appSettings, ...extra })(...args);
}
