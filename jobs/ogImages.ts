// On-demand images of signed card URLs in the `og` container: served from storage, else rendered once (per process and across instances) and stored.
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import type { BlockBlobClient } from "@azure/storage-blob";
import {
  type AssetBytes,
  type CardSpec,
  estimateRenderMs,
  outputSize,
  type ParsedTemplate,
  renderCard,
  type RenderedCard,
  withTemplateSize,
} from "../renderer";
import { pipeline, type Settings } from "../settings";
import { ByteBudgetCache, sleep } from "../support";
import { createAssetLoader } from "./assets";
import { cardDeadlineMs, withDeadline } from "./deadline";
import { readBodyUpTo } from "./blobBody";
import { isLostRace, isNotFound, JobError, storageCall } from "./errors";
import { blobNames, isSha256Hex, outputExtensionByFormat, parseBlobName } from "./layout";
import { renderCost, type RenderGate, sharedRenderGate } from "./renderGate";
import type { JobStorage } from "./storage";
import { templateForCard } from "./templatePins";

/** A verified card URL's card: what is rendered, and the key its image is stored under. */
export interface OgCard {
  /** SHA-256 of the card's canonical JSON (signing/'s cardKey): the image's blob name. */
  cardKey: string;
  card: CardSpec;
}

/** Renders a card (renderer/'s renderCard by default); the handler factory takes another, e.g. to count renders. */
export type CardRenderer = (
  spec: CardSpec,
  assets: AssetBytes,
  template: ParsedTemplate | undefined,
) => Promise<RenderedCard>;

export interface OgImage {
  contentType: string;
  contentLength: number;
  /** SHA-256 of the bytes, lower-case hex: the same bytes give the same value on every instance. */
  sha256: string;
  /** The bytes, when asked for; a stored image's are streamed from its blob. */
  body?: Buffer | Readable;
  /** Rendered for this request (a miss), or read from storage. */
  source: "rendered" | "stored";
  /**
   * Rendered for another request of this process that this one joined (in-process single
   * flight): the same image, so that one render is counted (logged) once.
   */
  joined?: boolean;
}

/** Another instance has held the card's render lock for longer than a render may take: retry. */
export class OgRenderPendingError extends JobError {
  override name = "OgRenderPendingError";
  constructor(
    readonly cardKey: string,
    waitedMs: number,
  ) {
    super(
      `the image of card ${cardKey} is being rendered elsewhere and was not ready after ${Math.round(waitedMs / 1000)} s; retry later`,
    );
  }
}

/** Blob metadata of an og image (Azure metadata names: lower-case letters and digits). */
const meta = { sha256: "sha256", width: "width", height: "height", lastAccess: "lastaccess" };
const hourMs = 60 * 60 * 1000;

const imageName = (card: OgCard) =>
  blobNames.ogImage(card.cardKey, outputExtensionByFormat[card.card.format]);

interface BlobRead {
  contentType?: string;
  contentLength?: number;
  metadata?: Record<string, string>;
  etag?: string;
}

/** The image's description from its blob, or undefined for a blob we did not write whole (then it is rendered again). */
function storedImage(read: BlobRead): Omit<OgImage, "body" | "source"> | undefined {
  const sha256 = read.metadata?.[meta.sha256];
  if (!sha256 || !isSha256Hex(sha256) || !read.contentType) return undefined;
  if (read.contentLength === undefined) return undefined;
  return { contentType: read.contentType, contentLength: read.contentLength, sha256 };
}

/**
 * Azurite keeps no last-access time: locally a read records it in metadata (at most once per
 * pipeline.ogLastAccessGranularityHours, as Azure's tracking does), for the local host's sweep.
 * Conditioned on the blob's ETag and best effort: a blob deleted or rewritten meanwhile is left be.
 */
async function recordAccess(blob: BlockBlobClient, read: BlobRead, now: Date): Promise<void> {
  const last = Date.parse(read.metadata?.[meta.lastAccess] ?? "");
  if (now.getTime() - last < pipeline.ogLastAccessGranularityHours * hourMs) return;
  await blob
    .setMetadata(
      { ...read.metadata, [meta.lastAccess]: now.toISOString() },
      { conditions: read.etag ? { ifMatch: read.etag } : {} },
    )
    .catch(() => undefined);
}

/**
 * More bytes than the renderer can write for a card of this size: its RGBA pixels stored
 * uncompressed, plus PNG's framing (a filter byte per row, a few bytes per 64 KiB block, chunk
 * headers), which the 1 % and 64 KiB cover with room. A stored blob past it is not one we wrote.
 */
function largestImageBytes(card: CardSpec): number {
  const { width, height } = outputSize(card);
  return Math.ceil(width * height * 4 * 1.01) + 64 * 1024;
}

/**
 * The stored image of `card`, or undefined when there is none (or none we wrote whole). With
 * `body: "stream"` its bytes come read whole when at most `wholeUpTo` (so this process can keep
 * them), else as the blob's stream (one GET); with `"buffer"` read whole, and a blob over
 * `wholeUpTo` is not ours (undefined: it is rendered again and replaced); `"none"` reads only its
 * properties (one HEAD). Blobs are untrusted input: nothing is buffered past `wholeUpTo`.
 */
async function readImage(
  storage: JobStorage,
  card: OgCard,
  body: "stream" | "buffer" | "none",
  wholeUpTo: number,
): Promise<OgImage | undefined> {
  const name = imageName(card);
  const blob = storage.og.getBlockBlobClient(name);
  return storageCall(`reading og/${name}`, async () => {
    let read: BlobRead;
    let stream: NodeJS.ReadableStream | undefined;
    try {
      if (body === "none") read = await blob.getProperties();
      else {
        const response = await blob.download();
        read = response;
        stream = response.readableStreamBody;
      }
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    const image = storedImage(read);
    if (!image || (body === "buffer" && image.contentLength > wholeUpTo)) {
      (stream as Readable | undefined)?.destroy();
      return undefined;
    }
    if (storage.isEmulator) await recordAccess(blob, read, new Date());
    if (body === "none") return { ...image, source: "stored" };
    if (body === "stream" && image.contentLength > wholeUpTo) {
      return { ...image, source: "stored", body: stream as Readable };
    }
    const whole = await readBodyUpTo({ readableStreamBody: stream }, wholeUpTo);
    return "bytes" in whole ? { ...image, source: "stored", body: whole.bytes } : undefined;
  });
}

/**
 * Metadata of a lock blob: `state` is "rendering" while its holder renders (a claim that holds
 * until `expires`, renewed while rendering) and "done" once the image is stored.
 */
const lockMeta = { state: "state", expires: "expires" };
type LockState = "rendering" | "done";

const lockMetadata = (state: LockState, now = Date.now()): Record<string, string> => ({
  [lockMeta.state]: state,
  [lockMeta.expires]: new Date(now + pipeline.ogLockClaimSeconds * 1000).toISOString(),
});

/** Whether a lock blob's holder is rendering now (a claim not yet expired at `now`). */
function lockIsLive(metadata: Record<string, string> | undefined, now: number): boolean {
  return (
    metadata?.[lockMeta.state] === "rendering" && Date.parse(metadata[lockMeta.expires] ?? "") > now
  );
}

/** A held render lock: its claim renewed while held; released as done (image stored) or failed (deleted). */
interface HeldLock {
  release(outcome: "done" | "failed"): Promise<void>;
}

/**
 * Claims the card's render lock, `locks/<cardKey>`, in one storage call: created only if absent,
 * or, with `over`, taken over from a done or expired claim (conditioned on the ETag seen).
 * Undefined when someone else's claim won. The claim is renewed while held, so a render longer
 * than pipeline.ogLockClaimSeconds keeps it, and one of a holder that dies expires within it.
 */
async function claimLock(
  storage: JobStorage,
  cardKey: string,
  over?: string,
): Promise<HeldLock | undefined> {
  const name = blobNames.ogLock(cardKey);
  const lock = storage.og.getBlockBlobClient(name);
  let etag = await storageCall(`locking og/${name}`, async () => {
    try {
      const response = await lock.upload("", 0, {
        conditions: over === undefined ? { ifNoneMatch: "*" } : { ifMatch: over },
        metadata: lockMetadata("rendering"),
      });
      return response.etag;
    } catch (error) {
      if (isLostRace(error) || (over !== undefined && isNotFound(error))) return undefined;
      throw error;
    }
  });
  if (!etag) return undefined;
  // Renewals and the release run one after another, each conditioned on the last ETag: a claim
  // taken over meanwhile (this process stalled past its expiry) is left to its new holder.
  let last: Promise<void> = Promise.resolve();
  const update = (state: LockState) => {
    last = last.then(async () => {
      if (!etag) return;
      const conditions = { ifMatch: etag };
      etag = await lock
        .setMetadata(lockMetadata(state), { conditions })
        .then((response) => response.etag)
        .catch(() => undefined);
    });
    return last;
  };
  const renewal = setInterval(() => void update("rendering"), pipeline.ogLockRenewSeconds * 1000);
  renewal.unref();
  return {
    async release(outcome) {
      clearInterval(renewal);
      if (outcome === "done") return update("done");
      await last;
      if (etag) await lock.deleteIfExists({ conditions: { ifMatch: etag } }).catch(() => undefined);
    },
  };
}

type LockView = { held: "no one" } | { held: "live" } | { held: "free"; etag: string };

/** The card's lock now: absent, held by a live claim, or free to take over (done or expired). */
async function inspectLock(storage: JobStorage, cardKey: string): Promise<LockView> {
  const name = blobNames.ogLock(cardKey);
  return storageCall(`reading og/${name}`, async () => {
    try {
      const properties = await storage.og.getBlockBlobClient(name).getProperties();
      if (lockIsLive(properties.metadata, Date.now())) return { held: "live" };
      return properties.etag ? { held: "free", etag: properties.etag } : { held: "live" };
    } catch (error) {
      if (isNotFound(error)) return { held: "no one" };
      throw error;
    }
  });
}

export interface OgRenderContext {
  storage: JobStorage;
  settings: Pick<Settings, "CARD_DEADLINE_SECONDS" | "RENDER_MEMORY_BUDGET_MB">;
  gate?: RenderGate;
}

async function storeRendered(
  storage: JobStorage,
  card: OgCard,
  rendered: RenderedCard,
): Promise<OgImage> {
  const name = imageName(card);
  const sha256 = createHash("sha256").update(rendered.bytes).digest("hex");
  await storageCall(`writing og/${name}`, () =>
    storage.og.getBlockBlobClient(name).uploadData(rendered.bytes, {
      blobHTTPHeaders: {
        blobContentType: rendered.contentType,
        blobCacheControl: pipeline.outputCacheControl,
      },
      metadata: {
        [meta.sha256]: sha256,
        [meta.width]: String(rendered.width),
        [meta.height]: String(rendered.height),
        [meta.lastAccess]: new Date().toISOString(),
      },
    }),
  );
  return {
    contentType: rendered.contentType,
    contentLength: rendered.bytes.length,
    sha256,
    body: rendered.bytes,
    source: "rendered",
  };
}

/**
 * Claims the card's lock (`over`: taking over the claim with that ETag) and, if this request won
 * it, renders and stores the card under it, as POST /api/render and the batch worker render: its
 * pinned template and assets loaded inside the render gate, within the card's deadline
 * (jobs/deadline.ts). The assets are read while the claim is written, so a new card waits for one
 * storage call there, not two; a lost claim discards them. Undefined when another claim won. The
 * lock is marked done once the answer is ready, off its path: until then it reads as rendering,
 * and anyone waiting finds the image first. A failed render deletes it.
 */
async function claimAndRender(
  card: OgCard,
  sized: CardSpec,
  template: ParsedTemplate | undefined,
  render: CardRenderer,
  context: OgRenderContext,
  over?: string,
): Promise<OgImage | undefined> {
  const { storage } = context;
  const gate = context.gate ?? sharedRenderGate(context.settings);
  const loadAssets = createAssetLoader(storage);
  const held: { lock?: HeldLock } = {};
  try {
    const rendered = await withDeadline(
      cardDeadlineMs(sized, context.settings),
      estimateRenderMs(sized),
      (startClock) =>
        gate.run(renderCost(sized), async () => {
          const [claim, assets] = await Promise.allSettled([
            claimLock(storage, card.cardKey, over),
            loadAssets(sized, [], template),
          ]);
          if (claim.status === "rejected") throw claim.reason;
          if (!claim.value) return undefined;
          held.lock = claim.value;
          if (assets.status === "rejected") throw assets.reason;
          startClock();
          return render(sized, assets.value, template);
        }),
    );
    if (!rendered) return undefined;
    const image = await storeRendered(storage, card, rendered);
    void held.lock?.release("done");
    return image;
  } catch (error) {
    await held.lock?.release("failed");
    throw error;
  }
}

/**
 * The first request's path, once per card key across instances. A new card costs one storage
 * call before rendering (creating the lock, while its assets are read) and one after (storing the
 * image). When the lock
 * exists, its holder is rendering (wait for the image), or is done or dead while the image is
 * absent (an expired image, a failed render): take the lock over and render. The lock is read
 * before the image because "done" is written after the image: done and no image means deleted.
 */
async function renderOnce(
  card: OgCard,
  render: CardRenderer,
  context: OgRenderContext,
): Promise<OgImage> {
  const { storage } = context;
  // A pinned version, as the URL says (a URL always pins a stored template): 404 before any lock.
  const template = await templateForCard(storage, card.card);
  const sized = withTemplateSize(card.card, template?.document.size);
  const waitLimitMs = cardDeadlineMs(sized, context.settings) + pipeline.ogLockClaimSeconds * 1000;
  const largest = largestImageBytes(sized);
  const started = Date.now();
  for (;;) {
    const created = await claimAndRender(card, sized, template, render, context);
    if (created) return created;
    let pollMs: number = pipeline.ogWaitPollMinMs;
    for (;;) {
      if (Date.now() - started > waitLimitMs) {
        throw new OgRenderPendingError(card.cardKey, Date.now() - started);
      }
      const lock = await inspectLock(storage, card.cardKey);
      if (lock.held === "no one") break;
      const image = await readImage(storage, card, "buffer", largest);
      if (image) return image;
      if (lock.held === "free") {
        const taken = await claimAndRender(card, sized, template, render, context, lock.etag);
        if (taken) return taken;
      }
      await sleep(pollMs);
      pollMs = Math.min(pollMs * 2, pipeline.ogWaitPollMaxMs);
    }
  }
}

export interface OgImages {
  /**
   * The card's image: from storage when stored (`body: "stream"` streams it; `"none"` reads only
   * its properties), else rendered, stored and returned whole (with its bytes whatever `body` says). Concurrent first requests for one
   * card render it once: in this process they share one render, across instances the lock decides.
   * `contextOf` (storage, settings, the render gate) is asked for only when memory cannot answer.
   */
  get(
    card: OgCard,
    body: "stream" | "none",
    contextOf: () => Promise<OgRenderContext>,
  ): Promise<OgImage>;
}

interface Remembered {
  image: Omit<OgImage, "body" | "source" | "joined">;
  bytes: Buffer;
  /** When this process last read the blob (or wrote it): a read is due again after a day. */
  readAt: number;
}

/**
 * Images this process keeps in memory, least recently used first out, within `budgetBytes`. A
 * card key names one card, and its bytes only change if the renderer does, so an entry is
 * never stale; it is dropped once its blob has not been read for a day, so that the next request
 * reads the blob again: that read is what records the access storage expires images by.
 */
class RememberedImages {
  readonly #cache: ByteBudgetCache<Remembered>;
  constructor(budgetBytes: number) {
    this.#cache = new ByteBudgetCache(budgetBytes);
  }

  get(name: string, now: number): Remembered | undefined {
    const entry = this.#cache.get(name);
    if (entry && now - entry.readAt >= pipeline.ogLastAccessGranularityHours * hourMs) {
      this.#cache.delete(name);
      return undefined;
    }
    return entry;
  }

  /** Bytes of the largest image kept: a sixteenth of the budget. */
  get largestKept(): number {
    return this.#cache.budgetBytes / 16;
  }

  keep(name: string, image: OgImage, now: number): void {
    if (!Buffer.isBuffer(image.body) || image.body.length > this.largestKept) return;
    const { contentType, contentLength, sha256 } = image;
    const entry = { image: { contentType, contentLength, sha256 }, bytes: image.body, readAt: now };
    this.#cache.set(name, entry, image.body.length);
  }
}

/**
 * The on-demand image service of one process (its in-process single flight and the images it
 * keeps in memory, `memoryBytes`, default pipeline.ogMemoryBytes, 0 for none); the handler factory
 * makes one, so two factories behave as two instances would.
 */
export function createOgImages(
  options: { render?: CardRenderer; memoryBytes?: number } = {},
): OgImages {
  const render: CardRenderer =
    options.render ?? ((spec, assets, template) => renderCard(spec, assets, undefined, template));
  const inFlight = new Map<string, Promise<OgImage>>();
  const memory = new RememberedImages(options.memoryBytes ?? pipeline.ogMemoryBytes);
  const remember = (card: OgCard, image: OgImage) => {
    memory.keep(imageName(card), image, Date.now());
    return image;
  };
  return {
    async get(card, body, contextOf) {
      const kept = memory.get(imageName(card), Date.now());
      if (kept) return { ...kept.image, body: kept.bytes, source: "stored" };
      const context = await contextOf();
      const stored = await readImage(context.storage, card, body, memory.largestKept);
      if (stored) return remember(card, stored);
      const joined = inFlight.get(card.cardKey);
      if (joined) {
        const image = await joined;
        return image.source === "rendered" ? { ...image, joined: true } : image;
      }
      const pending = renderOnce(card, render, context).then((image) => remember(card, image));
      inFlight.set(card.cardKey, pending);
      const forget = () => inFlight.delete(card.cardKey);
      pending.then(forget, forget);
      // Rendered (or read whole while waiting for another instance): its bytes come along, even for "none".
      return pending;
    },
  };
}

export interface OgExpiryReport {
  /** Images deleted: not read for longer than maxIdleDays. */
  deleted: string[];
  /** Images kept. */
  kept: number;
  /** Lock blobs no longer needed (their image stored, or their holder dead) over an hour old, deleted. */
  staleLocks: number;
}

/**
 * When an og blob was last read: its recorded access, else its last write. Not the later of the
 * two: recording an access rewrites the metadata, which moves Last-Modified too.
 */
function lastAccessOf(metadata: Record<string, string> | undefined, lastModified: Date): number {
  const recorded = Date.parse(metadata?.[meta.lastAccess] ?? "");
  return Number.isNaN(recorded) ? lastModified.getTime() : recorded;
}

/**
 * The local host's equivalent of Azure's lifecycle rule on `og`: deletes images whose last access
 * is more than `maxIdleDays` before `now`, each conditioned on the ETag listed (an image read or
 * rewritten meanwhile stays), and lock blobs over an hour old whose claim is not live (done, or
 * of a holder that died). Blobs the layout does not name are left alone. The next request renders a
 * deleted image again.
 */
export async function expireOgImages(
  storage: JobStorage,
  options: { maxIdleDays: number; now?: Date },
): Promise<OgExpiryReport> {
  const now = (options.now ?? new Date()).getTime();
  const report: OgExpiryReport = { deleted: [], kept: 0, staleLocks: 0 };
  await storageCall("sweeping the og container", async () => {
    for await (const blob of storage.og.listBlobsFlat({ includeMetadata: true })) {
      const kind = parseBlobName("og", blob.name)?.kind;
      if (!kind) continue;
      const isLock = kind === "ogLock";
      const client = storage.og.getBlockBlobClient(blob.name);
      const conditions = { ifMatch: blob.properties.etag };
      const idleMs = now - lastAccessOf(blob.metadata, blob.properties.lastModified);
      const expired = isLock
        ? !lockIsLive(blob.metadata, now) && idleMs > hourMs
        : idleMs > options.maxIdleDays * 24 * hourMs;
      if (!expired) {
        if (!isLock) report.kept += 1;
        continue;
      }
      const deleted = await client
        .deleteIfExists({ conditions })
        .then((response) => response.succeeded)
        .catch((error: unknown) => {
          if (isLostRace(error)) return false;
          throw error;
        });
      if (!deleted) report.kept += isLock ? 0 : 1;
      else if (isLock) report.staleLocks += 1;
      else report.deleted.push(blob.name);
    }
  });
  return report;
}
