// Every name and setting of the job system, defined once: functions, CLI, local host and infra read them here.
import { z } from "zod";

/** Storage names shared by every layer. */
export const names = {
  /** App setting that holds the storage connection (the Functions host's default). */
  connectionSetting: "AzureWebJobsStorage",
  renderQueue: "render-jobs",
  poisonQueue: "render-jobs-poison",
  containers: {
    /** Rendered images, batch records and chunk results: `renders/<batchId>/…`. */
    renders: "renders",
    /** Claim-check payloads for chunk messages over the queue limit. */
    jobs: "jobs",
    /** Caller-provided images referenced by name from specs (logo, background). */
    assets: "assets",
  },
  /** Deployment packages of the Function App: infra uploads them, the host reads them by identity. */
  deploymentContainer: "deployments",
} as const;

/** The protocol version carried by every queue message and batch record. */
export const protocolVersion = 1;

/** Azure Storage queue messages are at most 64 KiB; larger chunk messages go through a blob. */
export const maxQueueMessageBytes = 64 * 1024;

/** Fixed choices of the job pipeline (not app settings: changing them changes the protocol or security). */
export const pipeline = {
  /** Rendered images never change under their name (ids are per batch), so caches may keep them. */
  outputCacheControl: "public, max-age=31536000, immutable",
  /** SAS start time is back-dated this much so clients with a slow clock can use a fresh URL. */
  sasClockSkewMinutes: 5,
  /** Longest SAS lifetime, whatever SAS_TTL_MINUTES says (a user delegation key lives 7 days at most). */
  maxSasTtlMinutes: 7 * 24 * 60,
  /** Largest HTTP request body accepted (a 1,000-item batch file fits comfortably). */
  maxRequestBytes: 4 * 1024 * 1024,
  /**
   * Largest pipeline JSON document read back (batch record, claim check, chunk result): each is
   * made from at most one request body, so twice that bounds it with room to spare.
   */
  maxDocumentBytes: 8 * 1024 * 1024,
  /**
   * A chunk is not started this close to its batch's expiry: host.json's functionTimeout (10 min,
   * the longest a delivery can write) plus 5 min of clock skew between instances. Its writes then
   * always land before the pruner may delete the batch (tests/functions/expiringBatch.test.ts
   * keeps it above host.json's value).
   */
  renderStopsMinutesBeforeExpiry: 15,
  /** Shortest per-batch ttlHours: a shorter one is raised (with a warning) so the batch has time to render. */
  minTtlHours: 1,
  /** Blob deletions the pruner keeps in flight (bounded so one run does not flood the account). */
  pruneParallelDeletes: 8,
  /**
   * Storage SDK retries per call: short, because the queue host retries the whole message anyway
   * (visibilityTimeout) and an HTTP caller should get a 503 quickly rather than wait two minutes.
   */
  storageRetry: {
    maxTries: 3,
    retryDelayInMs: 500,
    maxRetryDelayInMs: 4000,
    tryTimeoutInMs: 60_000,
  },
} as const;

/**
 * Environment of every process that renders (the Function App's worker, the local stack's host).
 * glibc gives each thread that allocates its own malloc arena (up to 8 per core); sharp's
 * encoder threads each kept tens of MB of freed image buffers, so a worker stayed at 700–950 MB
 * after a load it rendered at a 450 MB working set. Two arenas cost no measurable throughput and
 * let RSS fall back near that working set (docs/reliability.md, "Memory"). glibc reads it when
 * the process starts, hence an environment variable and not code.
 */
export const workerProcessEnvironment = {
  MALLOC_ARENA_MAX: "2",
} as const;

interface SettingDefinition<T> {
  description: string;
  default: T;
  schema: z.ZodType<T>;
}

const intSetting = (
  description: string,
  fallback: number,
  min: number,
  max: number,
): SettingDefinition<number> => ({
  description,
  default: fallback,
  schema: z.coerce.number().int().min(min).max(max),
});

/** App settings the functions read, with defaults and limits. Infra writes exactly these names. */
export const settingDefinitions = {
  RETENTION_HOURS: intSetting(
    "hours a batch's outputs are kept before pruning",
    168,
    pipeline.minTtlHours,
    8760,
  ),
  MAX_TTL_HOURS: intSetting(
    "largest per-batch ttlHours a batch file may ask for",
    720,
    pipeline.minTtlHours,
    8760,
  ),
  SAS_TTL_MINUTES: intSetting(
    "lifetime of SAS URLs handed to users",
    60,
    1,
    pipeline.maxSasTtlMinutes,
  ),
  CHUNK_SIZE: intSetting("cards per queue message (fan-out unit)", 25, 1, 500),
  RENDER_CONCURRENCY: intSetting("renders in flight per message (one per core)", 2, 1, 16),
  PRUNE_BATCH_LIMIT: intSetting(
    "most batches the pruner deletes per run (bounded work)",
    200,
    1,
    10_000,
  ),
  PRUNE_SCHEDULE: {
    description: "NCRONTAB (6 fields, UTC) of the prune timer",
    default: "0 0 * * * *",
    schema: z.string().regex(/^\S+ \S+ \S+ \S+ \S+ \S+$/, {
      error: "expected a 6-field NCRONTAB expression such as 0 0 * * * *",
    }),
  } satisfies SettingDefinition<string>,
} as const;

export type SettingName = keyof typeof settingDefinitions;
export type Settings = { [K in SettingName]: (typeof settingDefinitions)[K]["default"] };

/** Thrown at start-up when an app setting has a value outside its limits. */
export class SettingsError extends Error {
  override name = "SettingsError";
}

/** Reads and validates every setting from the environment (app settings), falling back to defaults. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const entries = Object.entries(settingDefinitions).map(([name, definition]) => {
    const raw = env[name];
    if (raw === undefined || raw === "") return [name, definition.default] as const;
    const parsed = (definition.schema as z.ZodType<unknown>).safeParse(raw);
    if (!parsed.success) {
      throw new SettingsError(
        `app setting ${name}=${JSON.stringify(raw)} is invalid: ${parsed.error.issues.map((issue) => issue.message).join("; ")} (${definition.description})`,
      );
    }
    return [name, parsed.data] as const;
  });
  return Object.fromEntries(entries) as Settings;
}

/** The app settings infra deploys: every setting with its value as a string. */
export function toAppSettings(settings: Settings): Record<SettingName, string> {
  return Object.fromEntries(
    Object.entries(settings).map(([name, value]) => [name, String(value)]),
  ) as Record<SettingName, string>;
}
