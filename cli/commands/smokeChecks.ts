// The six checks of `cardpress smoke`, in the order they run: health, a synchronous render, a batch through the queue, its images, the poison queue, the timer.
import { z } from "zod";
import { triggers } from "../../functions/host";
import { connectStorage, describeStorageError, type JobStorage } from "../../jobs";
import { names, pipeline } from "../../settings";
import { sleep } from "../../support";
import {
  apiFailure,
  answerBytes,
  callApi,
  checkUrlFix,
  type CheckOutcome,
  decodeMismatch,
  type ExpectedImage,
  isFailure,
  logsFix,
  readAnswer,
} from "./smokeHttp";
import type { SmokeTarget } from "./smokeTarget";
import { azArmAccess, checkTimersViaArm, judgeTimers } from "./smokeTimers";

export type CheckName = "health" | "render" | "batch" | "images" | "poison" | "timer";

/** What the checks share: the target, and what earlier checks found. */
export interface SmokeState {
  target: SmokeTarget;
  /** Why every later API call would fail as an earlier one did (no answer, key refused, no such route). */
  apiBlocked?: string;
  /** The batch the batch check created (reported in --json even when it failed). */
  batchId?: string;
  /** Its cards, once it finished with every card rendered. */
  renderedCards?: BatchItem[];
}

export interface CheckRun {
  state: SmokeState;
  /** Aborted when the check's time bound is reached. */
  signal: AbortSignal;
  /** Date.now() at which the bound is reached: checks that poll stop in time to say why. */
  deadline: number;
}

export interface SmokeCheck {
  name: CheckName;
  title: string;
  /** Longest it may take; the bounds add up to a minute. */
  boundMs: number;
  /** Skipped once the API is known to be unusable. */
  usesApi: boolean;
  /** What to do when it runs out of time. */
  timeoutFix(target: SmokeTarget): string;
  run(run: CheckRun): Promise<CheckOutcome>;
}

/** The card of the synchronous render and the batch's defaults: small, so the check costs little. */
const smokeSize = { width: 320, height: 168 } as const;
const renderCard = { title: "cardpress smoke", size: smokeSize, format: "png" } as const;
const batchFormats = ["png", "jpeg", "webp"] as const;

const healthSchema = z.looseObject({
  status: z.string(),
  storage: z.looseObject({
    healthy: z.boolean(),
    error: z.string().optional(),
    blob: z.looseObject({ ok: z.boolean(), error: z.string().optional() }).optional(),
    queue: z.looseObject({ ok: z.boolean(), error: z.string().optional() }).optional(),
  }),
});

/** The app's own 503: storage unreachable from it; each side's error. */
function storageUnreachable(target: SmokeTarget, storage: z.infer<typeof healthSchema>["storage"]) {
  const sides = [
    storage.blob && !storage.blob.ok ? `blob: ${storage.blob.error ?? "failed"}` : undefined,
    storage.queue && !storage.queue.ok ? `queue: ${storage.queue.error ?? "failed"}` : undefined,
    storage.error,
  ].filter(Boolean);
  return {
    status: "failed" as const,
    detail: `the app cannot reach its storage (${sides.join("; ")})`,
    fix: target.local
      ? "Azurite is not answering the local host: restart npm start"
      : "check the app's identity and its roles on the storage account (pulumi up restores them; a new role can take 10 minutes to apply) and the AzureWebJobsStorage__* app settings",
  };
}

async function checkHealth({ state, signal, deadline }: CheckRun): Promise<CheckOutcome> {
  for (;;) {
    const answer = await callApi(state.target, triggers.health.route, { method: "GET", signal });
    if ("noAnswer" in answer || answer.response.status < 500) {
      if ("response" in answer && answer.response.ok) {
        const health = await readAnswer(state.target, answer.response, answer.url, healthSchema);
        if (isFailure(health)) return health;
        if (health.storage.healthy) {
          return { status: "passed", detail: "the app reaches its blob and queue storage" };
        }
        return storageUnreachable(state.target, health.storage);
      }
      return apiFailure(state.target, answer);
    }
    // 5xx: a host still starting (cold start) or storage briefly away; asked again until the bound nears.
    if (Date.now() + 2_500 > deadline) {
      if (answer.response.status === 503) {
        const health = await readAnswer(state.target, answer.response, answer.url, healthSchema);
        if (!isFailure(health)) return storageUnreachable(state.target, health.storage);
      }
      return apiFailure(state.target, answer);
    }
    await answer.response.body?.cancel();
    await sleep(1_000, signal);
  }
}

async function checkRender({ state, signal }: CheckRun): Promise<CheckOutcome> {
  const answer = await callApi(state.target, triggers.renderCardHttp.route, {
    method: "POST",
    json: renderCard,
    signal,
  });
  if ("noAnswer" in answer || answer.response.status !== 200)
    return apiFailure(state.target, answer);
  const bytes = await answerBytes(answer.response);
  const type = answer.response.headers.get("content-type");
  const wrong =
    type === "image/png"
      ? await decodeMismatch(bytes, { format: "png", ...smokeSize })
      : `Content-Type ${type ?? "(none)"}, expected image/png`;
  if (wrong) {
    return {
      status: "failed",
      detail: `POST ${answer.url} answered 200 but ${wrong}`,
      fix: "the app runs another version than this CLI: npm run package, then pulumi up",
    };
  }
  return {
    status: "passed",
    detail: `a ${smokeSize.width}×${smokeSize.height} PNG (${bytes.length} bytes) rendered and decoded`,
  };
}

const createdSchema = z.looseObject({
  batchId: z.string().min(1),
  accepted: z.number(),
  rejected: z.array(
    z.looseObject({ id: z.string(), error: z.looseObject({ message: z.string() }) }),
  ),
});

const batchItemSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  url: z.string().optional(),
  contentType: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  error: z.looseObject({ message: z.string() }).optional(),
});
type BatchItem = z.infer<typeof batchItemSchema>;

const batchStatusSchema = z.looseObject({
  state: z.string(),
  done: z.number(),
  total: z.number(),
  items: z.array(batchItemSchema),
});

const smokeBatch = {
  defaults: { title: "cardpress smoke", size: smokeSize },
  items: batchFormats.map((format) => ({ id: `smoke-${format}`, format })),
  metadata: { source: "cardpress smoke" },
  // Kept as briefly as a batch may be: the prune timer removes it soon after.
  ttlHours: pipeline.minTtlHours,
};

/** Queues the smoke batch; its id, or why not. */
async function createBatch({ state, signal }: CheckRun): Promise<string | CheckOutcome> {
  const answer = await callApi(state.target, triggers.createBatch.route, {
    method: "POST",
    json: smokeBatch,
    signal,
  });
  if ("noAnswer" in answer || answer.response.status !== 202)
    return apiFailure(state.target, answer);
  const created = await readAnswer(state.target, answer.response, answer.url, createdSchema);
  if (isFailure(created)) return created;
  state.batchId = created.batchId;
  if (created.rejected.length) {
    return {
      status: "failed",
      detail: `the API rejected smoke cards: ${created.rejected.map((item) => `${item.id}: ${item.error.message}`).join("; ")}`,
      fix: "the app runs another version than this CLI: npm run package, then pulumi up",
    };
  }
  return created.batchId;
}

async function checkBatch(run: CheckRun): Promise<CheckOutcome> {
  const { state, signal, deadline } = run;
  const batchId = await createBatch(run);
  if (typeof batchId !== "string") return batchId;
  const route = triggers.getBatch.route.replace("{id}", encodeURIComponent(batchId));
  const started = Date.now();
  for (;;) {
    const answer = await callApi(state.target, route, { method: "GET", signal });
    if ("noAnswer" in answer || !answer.response.ok) return apiFailure(state.target, answer);
    const status = await readAnswer(state.target, answer.response, answer.url, batchStatusSchema);
    if (isFailure(status)) return status;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (status.state === "succeeded") {
      state.renderedCards = status.items;
      return {
        status: "passed",
        detail: `batch ${batchId}: ${status.done} cards rendered through the ${names.renderQueue} queue in ${seconds} s`,
      };
    }
    if (status.state !== "in_progress") {
      const errors = status.items.flatMap((item) =>
        item.error ? [`${item.id}: ${item.error.message}`] : [],
      );
      return {
        status: "failed",
        detail: `batch ${batchId} ended ${status.state}${errors.length ? ` (${errors.join("; ")})` : ""}`,
        fix: `the worker failed these cards: ${logsFix(state.target)}`,
      };
    }
    if (Date.now() + 1_500 > deadline) {
      return {
        status: "failed",
        detail: `batch ${batchId} still in progress after ${seconds} s: ${status.done} of ${status.total} cards rendered`,
        fix: batchStuckFix(state.target),
      };
    }
    await sleep(500, signal);
  }
}

function batchStuckFix(target: SmokeTarget): string {
  return target.local
    ? "is the local host's queue listener running? read npm start's log"
    : `nothing took the ${names.renderQueue} messages: the queue trigger may not be synced (run pulumi up again) or the host failed to start (Application Insights, exceptions); a first run after deploying can be slow, so run cardpress smoke again`;
}

/** Fetches one rendered card by its SAS URL (no function key: the URL is the permission) and decodes it. */
async function fetchAndDecode(item: BatchItem, signal: AbortSignal): Promise<string | undefined> {
  const format = batchFormats.find((name) => item.id === `smoke-${name}`);
  if (!item.url || !format) return `${item.id}: no SAS URL in the batch's status`;
  let response: Response;
  try {
    response = await fetch(item.url, { signal });
  } catch (error) {
    if (signal.aborted) throw error;
    return `${item.id}: no answer from storage (${(error as Error).message})`;
  }
  if (!response.ok) {
    return `${item.id}: its SAS URL answered HTTP ${response.status} ${response.headers.get("x-ms-error-code") ?? response.statusText}`;
  }
  const expected: ExpectedImage = { format, ...smokeSize };
  const wrong = await decodeMismatch(await answerBytes(response), expected);
  return wrong ? `${item.id}: ${wrong}` : undefined;
}

async function checkImages({ state, signal }: CheckRun): Promise<CheckOutcome> {
  const cards = state.renderedCards;
  if (!cards) return { status: "skipped", detail: "the batch check did not pass" };
  const problems: string[] = [];
  for (const card of cards) {
    const problem = await fetchAndDecode(card, signal);
    if (problem) problems.push(problem);
  }
  if (!problems.length) {
    return {
      status: "passed",
      detail: `${cards.length} images (${batchFormats.join(", ")}) fetched by SAS URL and decoded`,
    };
  }
  return {
    status: "failed",
    detail: problems.join("; "),
    fix: state.target.local
      ? "the SAS URLs point at Azurite: is npm start still running?"
      : "SAS URLs are signed with a user delegation key: check the identity's Storage Blob Delegator role and this machine's clock (a URL is valid from 5 minutes before its signing)",
  };
}

async function checkPoisonQueue({ state, signal }: CheckRun): Promise<CheckOutcome> {
  const { connectionString, noConnection } = state.target;
  if (!connectionString)
    return { status: "skipped", detail: noConnection ?? "no storage connection" };
  const unreadable = (error: unknown): CheckOutcome => ({
    status: "failed",
    detail: `could not read ${names.poisonQueue}: ${describeStorageError(error)}`,
    fix: state.target.local
      ? "is the local stack running (npm start)?"
      : "check the storage connection (--connection-string, or the stack's storageConnectionString output)",
  });
  let queue: JobStorage["poisonQueue"];
  try {
    queue = connectStorage({ connectionString }).poisonQueue;
  } catch (error) {
    return unreadable(error);
  }
  try {
    const { peekedMessageItems } = await queue.peekMessages({
      numberOfMessages: 1,
      abortSignal: signal,
    });
    const first = peekedMessageItems[0];
    if (!first) return { status: "passed", detail: `${names.poisonQueue} is empty` };
    const { approximateMessagesCount = 1 } = await queue.getProperties({ abortSignal: signal });
    return {
      status: "failed",
      detail: `${names.poisonQueue} holds ${approximateMessagesCount} message${approximateMessagesCount === 1 ? "" : "s"}, the first queued at ${first.insertedOn.toISOString()}`,
      fix: `each is a chunk of a batch that failed 5 deliveries: find why (${logsFix(state.target)} around that time), then re-queue or delete them (docs/deploy.md, "Troubleshooting cardpress smoke")`,
    };
  } catch (error) {
    if (signal.aborted) throw error;
    // The host creates it at the first poisoned message; none yet means nothing was poisoned.
    if ((error as { statusCode?: number }).statusCode === 404) {
      return {
        status: "passed",
        detail: `${names.poisonQueue} does not exist yet: nothing was poisoned`,
      };
    }
    return unreadable(error);
  }
}

/** The timer functions triggers.ts defines (pruneRenders). */
const expectedTimers = Object.entries(triggers).flatMap(([name, trigger]) =>
  trigger.kind === "timer" ? [name] : [],
);

async function checkTimer({ state, signal }: CheckRun): Promise<CheckOutcome> {
  const source = state.target.timer;
  if (source.kind === "none") return { status: "skipped", detail: source.reason };
  if (source.kind === "local") {
    return judgeTimers(expectedTimers, source.timers, {
      where: "the local host",
      fix: "restart npm start: the host registers every timer of functions/host/triggers.ts when it starts",
    });
  }
  const access = await azArmAccess(signal);
  if ("reason" in access) return { status: "skipped", detail: access.reason };
  return checkTimersViaArm(source, access, expectedTimers, { signal });
}

/** Every check, in the order it runs; the bounds add up to 60 s. */
export const smokeChecks: readonly SmokeCheck[] = [
  {
    name: "health",
    title: "health",
    boundMs: 15_000,
    usesApi: true,
    timeoutFix: (target) =>
      target.local
        ? "the local host did not answer: restart npm start"
        : "a cold start on a Consumption plan can take this long: run cardpress smoke again; if it persists, check the app in the portal (Diagnose and solve problems)",
    run: checkHealth,
  },
  {
    name: "render",
    title: "render",
    boundMs: 10_000,
    usesApi: true,
    timeoutFix: (target) =>
      `one small card should render in well under a second: ${logsFix(target)}`,
    run: checkRender,
  },
  {
    name: "batch",
    title: "batch",
    boundMs: 20_000,
    usesApi: true,
    timeoutFix: batchStuckFix,
    run: checkBatch,
  },
  {
    name: "images",
    title: "images",
    boundMs: 5_000,
    // Fetched from storage by SAS URL, not from the API; it needs the batch check's cards.
    usesApi: false,
    timeoutFix: (target) => `the storage did not serve the images: ${checkUrlFix(target)}`,
    run: checkImages,
  },
  {
    name: "poison",
    title: "poison queue",
    boundMs: 3_000,
    usesApi: false,
    timeoutFix: () =>
      "the storage did not answer: check the connection and run cardpress smoke again",
    run: checkPoisonQueue,
  },
  {
    name: "timer",
    title: "timer",
    boundMs: 7_000,
    usesApi: false,
    timeoutFix: () =>
      "az or ARM did not answer in time: run az account get-access-token to see why, then cardpress smoke again",
    run: checkTimer,
  },
];
