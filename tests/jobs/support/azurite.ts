// Test setup: one in-memory Azurite per test file, wired into the app setting the functions read.
import { startAzurite, type RunningAzurite } from "../../../local/azurite";
import { names } from "../../../settings";
import { connectStorage, ensureStorageResources, type JobStorage } from "../../../jobs/storage";

export interface AzuriteFixture {
  azurite: RunningAzurite;
  storage: JobStorage;
}

/** Starts Azurite in beforeAll, points AzureWebJobsStorage at it, stops it in afterAll. */
export function useAzurite(): () => AzuriteFixture {
  let fixture: AzuriteFixture | undefined;
  const previous = process.env[names.connectionSetting];
  beforeAll(async () => {
    const azurite = await startAzurite();
    process.env[names.connectionSetting] = azurite.connectionString;
    const storage = connectStorage({ connectionString: azurite.connectionString });
    await ensureStorageResources(storage);
    fixture = { azurite, storage };
  }, 30_000);
  afterAll(async () => {
    if (previous === undefined) delete process.env[names.connectionSetting];
    else process.env[names.connectionSetting] = previous;
    await fixture?.azurite.stop();
  });
  return () => {
    if (!fixture) throw new Error("Azurite fixture used outside a test");
    return fixture;
  };
}
