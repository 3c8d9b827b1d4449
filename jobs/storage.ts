// Storage access for the job pipeline: clients for the containers and queues, from a connection string or an identity.
import type { TokenCredential } from "@azure/core-auth";
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { QueueServiceClient, type QueueClient } from "@azure/storage-queue";
import { StorageConfigError, storageCall } from "./errors";
import { AppServiceManagedIdentityCredential } from "./managedIdentity";
import { names, pipeline } from "../settings";

/** How to reach the storage account: a connection string (account key) or an Entra identity. */
export type StorageConnection =
  | { connectionString: string }
  | {
      blobServiceUri: string;
      queueServiceUri: string;
      credential: TokenCredential;
    };

export interface JobStorage {
  blobService: BlobServiceClient;
  renders: ContainerClient;
  jobs: ContainerClient;
  assets: ContainerClient;
  /** Users' templates by name and by content hash (jobs/templates.ts). */
  templates: ContainerClient;
  /** On-demand images of signed card URLs (jobs/ogImages.ts). */
  og: ContainerClient;
  renderQueue: QueueClient;
  poisonQueue: QueueClient;
  /** Account key SAS with a connection string; user-delegation SAS with an identity. */
  sasMode: "account-key" | "user-delegation";
  /** Azurite on a loopback address: the only place SAS URLs may use plain HTTP. */
  isEmulator: boolean;
}

/**
 * Options of every storage client: the pipeline's short SDK retries, not the SDK default (4 tries,
 * 4 s doubling: up to 44 s per call). With the default, one settle or poll of the local host that
 * met a storage outage kept retrying long after storage was back, taking no new message meanwhile.
 */
export const storageClientOptions = { retryOptions: { ...pipeline.storageRetry } };

function isLoopbackHttp(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === "http:" && ["127.0.0.1", "localhost", "[::1]", "::1"].includes(hostname);
}

/**
 * Reads the connection the Functions host uses (`AzureWebJobsStorage`): a connection string, or
 * the identity form `AzureWebJobsStorage__accountName` / `__blobServiceUri` + `__queueServiceUri`
 * (`__clientId` for a user-assigned identity).
 */
export function connectionFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  credential?: TokenCredential,
): StorageConnection {
  const setting = names.connectionSetting;
  const connectionString = env[setting];
  if (connectionString) return { connectionString };
  const accountName = env[`${setting}__accountName`];
  const blobServiceUri =
    env[`${setting}__blobServiceUri`] ??
    (accountName ? `https://${accountName}.blob.core.windows.net` : undefined);
  const queueServiceUri =
    env[`${setting}__queueServiceUri`] ??
    (accountName ? `https://${accountName}.queue.core.windows.net` : undefined);
  if (!blobServiceUri || !queueServiceUri) {
    throw new StorageConfigError(
      `no storage connection: set ${setting} to a connection string, or ${setting}__accountName for a managed identity`,
    );
  }
  return {
    blobServiceUri,
    queueServiceUri,
    credential:
      credential ?? new AppServiceManagedIdentityCredential(env[`${setting}__clientId`], env),
  };
}

/** Builds clients; no network call happens here. */
export function connectStorage(connection: StorageConnection): JobStorage {
  let blobService: BlobServiceClient;
  let queueService: QueueServiceClient;
  if ("connectionString" in connection) {
    try {
      blobService = BlobServiceClient.fromConnectionString(
        connection.connectionString,
        storageClientOptions,
      );
      queueService = QueueServiceClient.fromConnectionString(
        connection.connectionString,
        storageClientOptions,
      );
    } catch (error) {
      throw new StorageConfigError(
        `the storage connection string is unusable: ${(error as Error).message}`,
      );
    }
  } else {
    blobService = new BlobServiceClient(
      connection.blobServiceUri,
      connection.credential,
      storageClientOptions,
    );
    queueService = new QueueServiceClient(
      connection.queueServiceUri,
      connection.credential,
      storageClientOptions,
    );
  }
  return {
    blobService,
    renders: blobService.getContainerClient(names.containers.renders),
    jobs: blobService.getContainerClient(names.containers.jobs),
    assets: blobService.getContainerClient(names.containers.assets),
    templates: blobService.getContainerClient(names.containers.templates),
    og: blobService.getContainerClient(names.containers.og),
    renderQueue: queueService.getQueueClient(names.renderQueue),
    poisonQueue: queueService.getQueueClient(names.poisonQueue),
    sasMode: "connectionString" in connection ? "account-key" : "user-delegation",
    isEmulator: isLoopbackHttp(blobService.url),
  };
}

/** Creates the containers and queues if missing (infra creates them in Azure; Azurite starts empty). */
export async function ensureStorageResources(storage: JobStorage): Promise<void> {
  await storageCall("creating containers and queues", () =>
    Promise.all([
      storage.renders.createIfNotExists(),
      storage.jobs.createIfNotExists(),
      storage.assets.createIfNotExists(),
      storage.templates.createIfNotExists(),
      storage.og.createIfNotExists(),
      storage.renderQueue.createIfNotExists(),
      storage.poisonQueue.createIfNotExists(),
    ]),
  );
}

const opened = new Map<string, Promise<JobStorage>>();

/**
 * The storage the functions use: from the app settings, resources ensured once per process and
 * connection. A failed attempt is forgotten so the next invocation tries again.
 */
export function openStorage(env: NodeJS.ProcessEnv = process.env): Promise<JobStorage> {
  const connection = connectionFromEnv(env);
  const key =
    "connectionString" in connection
      ? connection.connectionString
      : `${connection.blobServiceUri}|${connection.queueServiceUri}`;
  let storage = opened.get(key);
  if (!storage) {
    storage = (async () => {
      const connected = connectStorage(connection);
      await ensureStorageResources(connected);
      return connected;
    })();
    opened.set(key, storage);
    storage.catch(() => opened.delete(key));
  }
  return storage;
}
