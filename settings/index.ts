// Every name and setting of the job system, defined once: functions, CLI, local host and infra read them here.
import { z } from "zod";

export {
  deployedHostConfig,
  type HostConfig,
  HostJsonError,
  parseTimeSpan,
  type QueueHostOptions,
  readHostConfig,
} from "./hostJson";

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
    /**
     * Users' templates: immutable versions by content hash (`versions/<sha256>.json`) and each
     * name's current version (`names/<name>.json`); jobs/templates.ts.
     */
    templates: "templates",
    /**
     * On-demand images of signed card URLs (GET /api/og/…): `<cardKey>.<ext>`, and `locks/<cardKey>`
     * while one is being rendered (jobs/ogImages.ts). Never pruned with batches; expired by last
     * access (OG_EXPIRE_AFTER_DAYS: a lifecycle rule in Azure, the local host's sweep locally).
     */
    og: "og-images",
  },
  /**
   * App settings holding the signing keys of card URLs (secrets, so not in settingDefinitions: no
   * default, never logged): the current key signs and verifies, the previous one still verifies
   * (rotation without breaking published pages). Each is the key itself, at least 32 bytes.
   */
  ogKeySettings: {
    current: "CARDPRESS_OG_KEY",
    previous: "CARDPRESS_OG_PREVIOUS_KEY",
  },
  /** Deployment packages of the Function App: infra uploads them, the host reads them by identity. */
  deploymentContainer: "deployments",
} as const;

/** The protocol version carried by every queue message and batch record. */
export const protocolVersion = 1;

/** Azure Storage queue messages are at most 64 KiB; larger chunk messages go through a blob. */
export const maxQueueMessageBytes = 64 * 1024;

/** Largest CHUNK_SIZE: a chunk message with more cards is refused before anything is read. */
export const maxChunkSize = 500;

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
   * `Retry-After` of a 429 from POST /api/render when the instance holds RENDER_HTTP_MAX_PENDING
   * renders: about the time a few ordinary cards take to drain (docs/reliability.md, "Memory gate").
   */
  renderRetryAfterSeconds: 2,
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
  /**
   * Largest estimated render time of one chunk (sum of its cards' estimates, renderer/spec/cost.ts,
   * ms of one core): 25 % of host.json's functionTimeout (10 min), so a chunk finishes well inside
   * it even on one core at 4× its estimate (tests/jobs/cost.test.ts keeps it there). planChunks
   * closes a chunk at CHUNK_SIZE cards or at this cost, whichever comes first.
   */
  maxChunkRenderMs: 150_000,
  /**
   * /api/health reports the event loop's delay (jobs/eventLoopDelay.ts) over windows of this length,
   * sampled at this resolution: long enough that a probe every few seconds sees every stall.
   */
  eventLoopDelayWindowSeconds: 10,
  eventLoopDelayResolutionMs: 10,
  /**
   * A card's deadline is this multiple of its estimated render time, at least cardDeadlineMinMs and
   * at most CARD_DEADLINE_SECONDS; past it the card fails with `deadline_exceeded` (jobs/deadline.ts).
   * Generous: it must catch a runaway card, never a busy machine (docs/reliability.md, "Cost limits").
   */
  cardDeadlineFactor: 10,
  cardDeadlineMinMs: 30_000,
  /**
   * A batch whose creation has not completed this long after it started is abandoned: status
   * never showed it, its chunks stop being rendered `renderStopsMinutesBeforeExpiry` before this,
   * and the pruner deletes it then (jobs/enqueue.ts). Creating one takes seconds; an HTTP request
   * is cut off after 230 s in Azure.
   */
  creationDeadlineMinutes: 60,
  /**
   * Parsed template versions one process keeps (by content hash; a version never changes, so an
   * entry is never stale): a batch's chunks parse their template once. Each is at most
   * limits.template.maxDocumentBytes (256 KiB) of JSON, so the cache stays within a few MiB.
   */
  templateCacheEntries: 32,
  /** Templates one listing (GET /api/templates, cardpress templates list) returns at most. */
  maxTemplatesListed: 1000,
  /**
   * On-demand images (GET /api/og/…, jobs/ogImages.ts). The first request for a card claims its
   * lock blob for this many seconds and renews the claim every `ogLockRenewSeconds` while
   * rendering; a holder that dies loses it within the claim. Others wait, polling for the image
   * from `ogWaitPollMinMs` doubling to `ogWaitPollMaxMs`.
   */
  ogLockClaimSeconds: 60,
  ogLockRenewSeconds: 20,
  ogWaitPollMinMs: 25,
  ogWaitPollMaxMs: 1000,
  /**
   * Locally (Azurite has no last-access tracking) a read records its time in the blob's metadata at
   * most once per this many hours, as Azure's last-access tracking does (once per 24 h); the local
   * host's sweep deletes images whose last access is older than OG_EXPIRE_AFTER_DAYS.
   */
  ogLastAccessGranularityHours: 24,
  /**
   * Bytes of og images one process keeps in memory (jobs/ogImages.ts; least recently used out, an
   * image over 1/16 of it never kept): a hit then costs no storage call. Bounded so RSS stays
   * bounded; each image is read from its blob again at least once per
   * ogLastAccessGranularityHours, which keeps its last access (and so its retention) current.
   */
  ogMemoryBytes: 64 * 1024 * 1024,
  /** NCRONTAB of the local host's og sweep (hourly); in Azure a lifecycle rule does it (infra). */
  localOgSweepSchedule: "0 17 * * * *",
  /** Shortest per-batch ttlHours: a shorter one is raised (with a warning) so the batch has time to render. */
  minTtlHours: 1,
  /**
   * Batches per second the pruner is sized for, above the rates measured (docs/pipeline.md,
   * "Pruning"). PRUNE_BATCH_LIMIT's default is this rate × the default PRUNE_SCHEDULE interval
   * (tests/jobs/pruneRate.test.ts keeps them so).
   */
  designBatchCreationRate: 100,
  /** Blob deletions the pruner keeps in flight per batch (bounded so one run does not flood the account). */
  pruneParallelDeletes: 8,
  /**
   * Batches the pruner deletes at once: with pruneParallelDeletes, at most 64 requests in flight,
   * so a run's throughput comes from the storage account, not from one request's latency
   * (bench/batchChurn.bench.ts, docs/reliability.md "Assets and batch creation").
   */
  pruneParallelBatches: 8,
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
 * Environment of every process that renders (the Function App's worker, the local stack's host):
 * two malloc arenas let RSS fall back after a load (docs/reliability.md, "Memory"); glibc reads it
 * when the process starts, hence an environment variable and not code.
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
  CHUNK_SIZE: intSetting("cards per queue message (fan-out unit)", 25, 1, maxChunkSize),
  RENDER_CONCURRENCY: intSetting("renders in flight per message (one per core)", 2, 1, 16),
  MAX_BATCH_RENDER_SECONDS: intSetting(
    "largest estimated render time of one batch's accepted cards, in seconds of one core (renderer/spec/cost.ts); a larger batch is refused",
    3600,
    60,
    86_400,
  ),
  CARD_DEADLINE_SECONDS: intSetting(
    `longest one card of a batch may render before it fails with deadline_exceeded (its deadline is ${pipeline.cardDeadlineFactor}× its estimate, at least ${pipeline.cardDeadlineMinMs / 1000} s, at most this)`,
    120,
    30,
    600,
  ),
  RENDER_MEMORY_BUDGET_MB: intSetting(
    "estimated MiB of image buffers all renders of one instance may hold at once (jobs/renderGate.ts); a card estimated above it renders alone",
    384,
    64,
    16_384,
  ),
  RENDER_HTTP_MAX_PENDING: intSetting(
    "synchronous renders (POST /api/render) one instance holds, running or waiting; beyond it the answer is 429 with Retry-After",
    8,
    1,
    1000,
  ),
  PRUNE_BATCH_LIMIT: intSetting(
    "most batches the pruner deletes per run (bounded work); at least pipeline.designBatchCreationRate × the PRUNE_SCHEDULE interval, or pruning falls behind creation",
    pipeline.designBatchCreationRate * 5 * 60,
    1,
    1_000_000,
  ),
  OG_EXPIRE_AFTER_DAYS: intSetting(
    "days after its last read before an on-demand image (GET /api/og/…) is deleted; the next request renders it again, identically",
    30,
    1,
    3650,
  ),
  PRUNE_SCHEDULE: {
    description:
      "NCRONTAB (6 fields, UTC) of the prune timer; every 5 minutes, so a run's share of batches stays well inside the function timeout",
    default: "0 */5 * * * *",
    schema: z.string().regex(/^\S+ \S+ \S+ \S+ \S+ \S+$/, {
      error: "expected a 6-field NCRONTAB expression such as 0 0 * * * *",
    }),
  } satisfies SettingDefinition<string>,
} as const;

export type SettingName = keyof typeof settingDefinitions;
export type Settings = { [K in SettingName]: (typeof settingDefinitions)[K]["default"] };

import { SettingsError } from "./errors";

export { SettingsError };

/** A setting's raw value its schema refused; `problems` joins the schema's messages. */
export interface InvalidSetting {
  name: SettingName;
  raw: string;
  problems: string;
  description: string;
}

/**
 * The one settings reader: every setting from `lookup` (app settings, or infra's stack config),
 * an absent or empty value meaning the default; `reject` reports an invalid value in its
 * caller's words (and throws).
 */
export function readSettingsFrom(
  lookup: (name: SettingName) => string | undefined,
  reject: (invalid: InvalidSetting) => never,
): Settings {
  const entries = (Object.keys(settingDefinitions) as SettingName[]).map((name) => {
    const definition = settingDefinitions[name];
    const raw = lookup(name);
    if (raw === undefined || raw === "") return [name, definition.default] as const;
    const parsed = (definition.schema as z.ZodType<unknown>).safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => issue.message).join("; ");
      reject({ name, raw, problems, description: definition.description });
    }
    return [name, parsed.data] as const;
  });
  return Object.fromEntries(entries) as Settings;
}

/** Reads and validates every setting from the environment (app settings), falling back to defaults. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  return readSettingsFrom(
    (name) => env[name],
    ({ name, raw, problems, description }) => {
      throw new SettingsError(
        `app setting ${name}=${JSON.stringify(raw)} is invalid: ${problems} (${description})`,
      );
    },
  );
}

/**
 * The signing keys card URLs are verified with: the current key, then the previous one if set.
 * Throws SettingsError when the current key is not set (a deployment serving GET /api/og/… needs one).
 */
export function readOgKeys(env: NodeJS.ProcessEnv = process.env): string[] {
  const { current, previous } = names.ogKeySettings;
  const currentKey = env[current];
  if (!currentKey) {
    throw new SettingsError(
      `app setting ${current} is not set: GET /api/og/… needs the key card URLs are signed with (infra generates it; the local stack creates a dev key)`,
    );
  }
  const previousKey = env[previous];
  return previousKey ? [currentKey, previousKey] : [currentKey];
}

/** The app settings infra deploys: every setting with its value as a string. */
export function toAppSettings(settings: Settings): Record<SettingName, string> {
  return Object.fromEntries(
    Object.entries(settings).map(([name, value]) => [name, String(value)]),
  ) as Record<SettingName, string>;
}
