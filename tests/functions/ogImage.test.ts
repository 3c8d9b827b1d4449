// GET|HEAD /api/og/… through the real handler and a real InvocationContext on Azurite: render once and store, serve from storage, conditional requests, errors, keys, expiry.
import { createHash, createHmac } from "node:crypto";
import { Readable } from "node:stream";
import { HttpRequest, HttpResponse, type HttpResponseInit } from "@azure/functions";
import { ogImageHandler } from "../../functions/ogImage";
import type { ErrorBody } from "../../functions/host/httpErrors";
import type { CardRenderer } from "../../jobs";
import { expireOgImages } from "../../jobs/ogImages";
import { connectionStringFor } from "../../local/azurite";
import { ogSweepHandler } from "../../local/ogSweep";
import { renderCard, type CardSpecInput } from "../../renderer";
import { names, pipeline } from "../../settings";
import { keyIdOf, signCard } from "../../signing";
import { sleep } from "../../support";
import { useAzurite } from "../jobs/support/azurite";
import { newContext, timerInput } from "../jobs/support/context";
import { pngSize } from "../jobs/support/images";

const fixture = useAzurite();
const currentKey = "current-og-key-for-tests-0123456789abcdef";
const previousKey = "previous-og-key-for-tests-0123456789abcdef";
const size = { width: 240, height: 126 };
const base = "http://localhost:7071";

/** A renderer that counts its calls (all handlers given it share the count), optionally slow. */
function countingRenderer(delayMs = 0): { render: CardRenderer; count: () => number } {
  let count = 0;
  return {
    render: async (spec, assets, template) => {
      count += 1;
      if (delayMs) await sleep(delayMs);
      return renderCard(spec, assets, undefined, template);
    },
    count: () => count,
  };
}

type Handler = ReturnType<typeof ogImageHandler>;

function handler(render: CardRenderer, settings: Record<string, string> = {}): Handler {
  return ogImageHandler(
    { ...fixture().appSettings, [names.ogKeySettings.current]: currentKey, ...settings },
    { render },
  );
}

let cards = 0;
/** A card no other test uses: its own card key, so storage left by other tests does not matter. */
const newCard = (extra: Partial<CardSpecInput> = {}) => ({
  title: `og card ${(cards += 1)} ${Date.now()}`,
  size,
  ...extra,
});

const signed = (card: Parameters<typeof signCard>[0], key = currentKey) =>
  signCard(card, { key, baseUrl: base });

/**
 * One request through the handler; a streamed body is read whole at once, as the host does (a
 * stream left unread would hold its storage connection).
 */
async function get(
  handle: Handler,
  url: string,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<HttpResponseInit> {
  const request = new HttpRequest({
    method: init.method ?? "GET",
    url,
    headers: init.headers ?? {},
  });
  const response = await handle(request, newContext("ogImage").context);
  if (response.body instanceof Readable) {
    return { ...response, body: Buffer.from(await new HttpResponse(response).arrayBuffer()) };
  }
  return response;
}

const headersOf = (response: HttpResponseInit) => response.headers as Record<string, string>;
const bytesOf = async (response: HttpResponseInit) =>
  Buffer.from(await new HttpResponse(response).arrayBuffer());
const errorOf = (response: HttpResponseInit) => (response.jsonBody as ErrorBody).error;
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

async function ogBlobNames(): Promise<string[]> {
  const listed: string[] = [];
  for await (const blob of fixture().storage.og.listBlobsFlat()) listed.push(blob.name);
  return listed.sort();
}

/** The card's lock claimed as claimLock claims it, for `ms` from now, by nobody alive. */
async function claimedByNobody(cardKey: string, ms: number): Promise<void> {
  const expires = new Date(Date.now() + ms).toISOString();
  const lock = fixture().storage.og.getBlockBlobClient(`locks/${cardKey}`);
  await lock.upload("", 0, { metadata: { state: "rendering", expires } });
}

/** The card's lock state once its holder has settled it (it is marked done after the answer). */
async function settledLockState(cardKey: string): Promise<string | undefined> {
  const lock = fixture().storage.og.getBlockBlobClient(`locks/${cardKey}`);
  for (let tries = 0; ; tries += 1) {
    const state = (await lock.getProperties()).metadata?.state;
    if (state !== "rendering" || tries === 50) return state;
    await sleep(100);
  }
}

describe("first request, then storage", () => {
  test("the first GET renders, stores <cardKey>.png and answers the bytes; later GETs come from storage (or this instance's memory) without rendering", async () => {
    const counter = countingRenderer();
    const url = signed(newCard());
    const first = await get(handler(counter.render), url.url);
    expect(first.status).toBe(200);
    const bytes = await bytesOf(first);
    expect(pngSize(bytes)).toEqual(size);
    expect(headersOf(first)).toMatchObject({
      "Content-Type": "image/png",
      "Content-Length": String(bytes.length),
      "Cache-Control": "public, max-age=31536000, immutable",
      ETag: `"${sha256(bytes)}"`,
      "X-Cardpress-Cache": "miss",
    });
    expect(counter.count()).toBe(1);

    const blob = fixture().storage.og.getBlockBlobClient(`${url.cardKey}.png`);
    const stored = await blob.downloadToBuffer();
    expect(stored.equals(bytes)).toBe(true);
    const properties = await blob.getProperties();
    expect([properties.contentType, properties.cacheControl]).toEqual([
      "image/png",
      pipeline.outputCacheControl,
    ]);

    // The same instance, then another one (a new factory): both from storage.
    for (const handle of [handler(counter.render), handler(counter.render)]) {
      const again = await get(handle, url.url);
      expect(again.status).toBe(200);
      expect((await bytesOf(again)).equals(bytes)).toBe(true);
      expect(headersOf(again)).toEqual({ ...headersOf(first), "X-Cardpress-Cache": "hit" });
    }
    expect(counter.count()).toBe(1);
  });

  test("an instance keeps the images it served in memory: a hit then needs no storage", async () => {
    const counter = countingRenderer();
    const handle = handler(counter.render);
    const url = signed(newCard());
    const bytes = await bytesOf(await get(handle, url.url));
    await fixture().storage.og.getBlockBlobClient(`${url.cardKey}.png`).delete();
    const fromMemory = await get(handle, url.url);
    expect([fromMemory.status, headersOf(fromMemory)["X-Cardpress-Cache"]]).toEqual([200, "hit"]);
    expect((await bytesOf(fromMemory)).equals(bytes)).toBe(true);
    // Without memory, the same instance reads storage, finds nothing and renders again.
    const noMemory = ogImageHandler(
      { ...fixture().appSettings, [names.ogKeySettings.current]: currentKey },
      { render: counter.render, memoryBytes: 0 },
    );
    expect(headersOf(await get(noMemory, url.url))["X-Cardpress-Cache"]).toBe("miss");
    expect(counter.count()).toBe(2);
  });

  test("a stored blob the handler did not write whole (no sha256 metadata) is rendered again and replaced", async () => {
    const counter = countingRenderer();
    const url = signed(newCard());
    await fixture()
      .storage.og.getBlockBlobClient(`${url.cardKey}.png`)
      .uploadData(Buffer.from("not an image"), {
        blobHTTPHeaders: { blobContentType: "image/png" },
      });
    const answer = await get(handler(counter.render), url.url);
    expect(answer.status).toBe(200);
    expect(pngSize(await bytesOf(answer))).toEqual(size);
    expect(counter.count()).toBe(1);
  });
});

describe("conditional requests and HEAD", () => {
  test("If-None-Match with the ETag (strong or W/) or * is a 304 without a body; another tag gets the image", async () => {
    const counter = countingRenderer();
    const handle = handler(counter.render);
    const url = signed(newCard()).url;
    const first = await get(handle, url);
    const etag = headersOf(first).ETag as string;
    for (const tag of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const answer = await get(handle, url, { headers: { "if-none-match": tag } });
      expect([tag, answer.status]).toEqual([tag, 304]);
      expect(answer.body).toBeUndefined();
      expect(headersOf(answer)).toEqual({
        ETag: etag,
        "Cache-Control": pipeline.outputCacheControl,
      });
    }
    const other = await get(handle, url, { headers: { "if-none-match": '"other"' } });
    expect(other.status).toBe(200);
    expect((await bytesOf(other)).equals(await bytesOf(first))).toBe(true);
    expect(counter.count()).toBe(1);
  });

  test("HEAD answers GET's headers without a body, for a new card (rendered once) and a stored one", async () => {
    const counter = countingRenderer();
    const handle = handler(counter.render);
    const url = signed(newCard()).url;
    const headNew = await get(handle, url, { method: "HEAD" });
    expect(headNew.status).toBe(200);
    expect(headNew.body).toBeUndefined();
    const got = await get(handle, url);
    const bytes = await bytesOf(got);
    const headStored = await get(handle, url, { method: "HEAD" });
    expect(headStored.body).toBeUndefined();
    // The same headers but whether this request rendered.
    const sameHeaders = (response: HttpResponseInit) => ({
      ...headersOf(response),
      "X-Cardpress-Cache": "any",
    });
    expect(sameHeaders(headNew)).toEqual(sameHeaders(got));
    expect(sameHeaders(headStored)).toEqual(sameHeaders(got));
    expect(headersOf(headNew)["Content-Length"]).toBe(String(bytes.length));
    expect(counter.count()).toBe(1);
  });
});

describe("refused requests", () => {
  test("a bad signature is a 403 before storage: nothing rendered, nothing created, storage never reached", async () => {
    const counter = countingRenderer();
    const url = signed(newCard({ title: "Signed title" })).url;
    const tampered = url.replace("Signed", "Forged");
    const otherKey = signed(newCard(), "a-key-this-deployment-does-not-have-000000").url;
    const before = await ogBlobNames();
    // Storage that answers nothing: any storage call would make it a 503, not a 403.
    const unreachable = connectionStringFor(1, 1);
    for (const handle of [
      handler(counter.render),
      handler(counter.render, { [names.connectionSetting]: unreachable }),
    ]) {
      for (const bad of [tampered, otherKey]) {
        const answer = await get(handle, bad);
        expect(answer.status).toBe(403);
        expect(errorOf(answer).code).toBe("bad_signature");
        expect(headersOf(answer)["Cache-Control"]).toBe("no-store");
      }
    }
    expect(counter.count()).toBe(0);
    expect(await ogBlobNames()).toEqual(before);
  });

  test("a malformed URL is a 400; a signed card that does not validate is a 400 naming the field", async () => {
    const counter = countingRenderer();
    const handle = handler(counter.render);
    for (const bad of [
      `${base}/api/og/v1/nothing-here`,
      `${base}/api/og/v2/${keyIdOf(currentKey)}.AAAAAAAAAAAAAAAAAAAAAA?title=x`,
      `${base}/api/og/v1/${keyIdOf(currentKey)}.short?title=x`,
    ]) {
      const answer = await get(handle, bad);
      expect([bad, answer.status, errorOf(answer).code]).toEqual([bad, 400, "malformed_card_url"]);
    }
    // Signed correctly (the reference algorithm, docs/og-urls.md), but `size` is no size.
    const keyId = keyIdOf(currentKey);
    const query = "size=huge&title=x";
    const signature = createHmac("sha256", currentKey)
      .update(`v1/${keyId}?${query}`)
      .digest()
      .subarray(0, 16)
      .toString("base64url");
    const invalid = await get(handle, `${base}/api/og/v1/${keyId}.${signature}?${query}`);
    expect([invalid.status, errorOf(invalid).code]).toEqual([400, "invalid_spec"]);
    expect(errorOf(invalid).fields?.map((field) => field.path)).toEqual(["size"]);
    expect(counter.count()).toBe(0);
  });

  test("a URL over 4,096 characters is a 414", async () => {
    const answer = await get(
      handler(countingRenderer().render),
      `${base}/api/og/v1/${keyIdOf(currentKey)}.AAAAAAAAAAAAAAAAAAAAAA?title=${"x".repeat(4100)}`,
    );
    expect([answer.status, errorOf(answer).code]).toEqual([414, "card_url_too_long"]);
  });

  test("a template version that is not stored is a 404, with nothing rendered or stored", async () => {
    const counter = countingRenderer();
    const before = await ogBlobNames();
    const url = signed({
      template: "brand/absent",
      templateVersion: "0".repeat(64),
      params: { line: "x" },
    }).url;
    const answer = await get(handler(counter.render), url);
    expect([answer.status, errorOf(answer).code]).toEqual([404, "template_version_not_found"]);
    expect(counter.count()).toBe(0);
    expect(await ogBlobNames()).toEqual(before);
  });

  test("without a key setting the deployment answers 500 (ours), naming no key", async () => {
    const answer = await ogImageHandler(fixture().appSettings)(
      new HttpRequest({ method: "GET", url: signed(newCard()).url }),
      newContext("ogImage").context,
    );
    expect([answer.status, errorOf(answer).code]).toEqual([500, "internal"]);
  });
});

describe("render once", () => {
  test("concurrent first requests on one instance render once and all get the image", async () => {
    const counter = countingRenderer(300);
    const handle = handler(counter.render);
    const url = signed(newCard()).url;
    const answers = await Promise.all(Array.from({ length: 12 }, () => get(handle, url)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(200));
    // All joined the one render in this process (none waited on storage for another's image).
    expect(answers.map((answer) => headersOf(answer)["X-Cardpress-Cache"])).toEqual(
      Array(12).fill("miss"),
    );
    const bodies = await Promise.all(answers.map(bytesOf));
    expect(new Set(bodies.map(sha256)).size).toBe(1);
    expect(counter.count()).toBe(1);
  });

  test("concurrent first requests on two instances (separate handler factories) render once", async () => {
    const counter = countingRenderer(300);
    const instances = [handler(counter.render), handler(counter.render)];
    const url = signed(newCard());
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, index) => get(instances[index % 2] as Handler, url.url)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(200));
    const bodies = await Promise.all(answers.map(bytesOf));
    expect(new Set(bodies.map(sha256)).size).toBe(1);
    expect(counter.count()).toBe(1);
    // The lock is marked done once the image is stored (after the answer, off its path).
    expect(await settledLockState(url.cardKey)).toBe("done");
  });

  test("a lock left done whose image was deleted: the next requests take it over and render once", async () => {
    const counter = countingRenderer(300);
    const url = signed(newCard());
    expect((await get(handler(counter.render), url.url)).status).toBe(200);
    expect(await settledLockState(url.cardKey)).toBe("done");
    await fixture().storage.og.getBlockBlobClient(`${url.cardKey}.png`).delete();
    // Two fresh instances (nothing in memory), six requests each, all at once.
    const instances = [handler(counter.render), handler(counter.render)];
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, index) => get(instances[index % 2] as Handler, url.url)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(200));
    expect(counter.count()).toBe(2);
    expect(await ogBlobNames()).toContain(`${url.cardKey}.png`);
  });

  test("a failed render deletes its lock: the next request renders at once", async () => {
    const url = signed(newCard());
    const failing: CardRenderer = () => Promise.reject(new Error("renderer broke"));
    const failed = await get(handler(failing), url.url);
    expect(failed.status).toBe(500);
    expect(await ogBlobNames()).not.toContain(`locks/${url.cardKey}`);
    const counter = countingRenderer();
    const started = Date.now();
    expect((await get(handler(counter.render), url.url)).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(pipeline.ogLockClaimSeconds * 1000);
    expect(counter.count()).toBe(1);
  });

  test("a blob larger than the renderer can write for the card is not read whole by a waiter: it is rendered again and replaced", async () => {
    const counter = countingRenderer();
    const url = signed(newCard());
    await claimedByNobody(url.cardKey, 2_000);
    const answer = get(handler(counter.render), url.url);
    // While the request waits on the claim: a blob as the handler writes one, but of 400 KB, more
    // than a 240×126 card's pixels (121 KB) can encode to.
    await sleep(100);
    const forged = Buffer.alloc(400 * 1024, 7);
    await fixture()
      .storage.og.getBlockBlobClient(`${url.cardKey}.png`)
      .uploadData(forged, {
        blobHTTPHeaders: { blobContentType: "image/png" },
        metadata: { sha256: sha256(forged) },
      });
    const bytes = await bytesOf(await answer);
    expect(pngSize(bytes)).toEqual(size);
    expect(counter.count()).toBe(1);
    const stored = await fixture()
      .storage.og.getBlockBlobClient(`${url.cardKey}.png`)
      .downloadToBuffer();
    expect(stored.equals(bytes)).toBe(true);
  });

  test("a card whose asset is missing: a 422 naming it, its lock deleted, the next request fails as fast", async () => {
    const counter = countingRenderer();
    const url = signed(newCard({ logo: "brand/absent-logo.png" }));
    // Twice: the second request would wait out the first one's claim if it were left behind.
    for (const handle of [handler(counter.render), handler(counter.render)]) {
      const started = Date.now();
      const answer = await get(handle, url.url);
      expect([answer.status, errorOf(answer).code]).toEqual([422, "asset"]);
      expect(errorOf(answer).message).toContain("brand/absent-logo.png");
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await ogBlobNames()).not.toContain(`locks/${url.cardKey}`);
    }
    expect(counter.count()).toBe(0);
  });

  test("an instance that claims the lock and dies: the others render once its claim expires", async () => {
    const counter = countingRenderer();
    const url = signed(newCard());
    await claimedByNobody(url.cardKey, 3_000);
    const started = Date.now();
    const answers = await Promise.all([
      get(handler(counter.render), url.url),
      get(handler(counter.render), url.url),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(Date.now() - started).toBeGreaterThan(2_000);
    expect(counter.count()).toBe(1);
  }, 40_000);
});

describe("expiry and re-rendering", () => {
  test("an image not read for OG_EXPIRE_AFTER_DAYS is deleted; the next request renders the same bytes", async () => {
    const counter = countingRenderer();
    const handle = handler(counter.render);
    const url = signed(newCard());
    const first = await get(handle, url.url);
    const bytes = await bytesOf(first);
    const day = 24 * 60 * 60 * 1000;

    const early = await expireOgImages(fixture().storage, {
      maxIdleDays: 30,
      now: new Date(Date.now() + 29 * day),
    });
    expect(early.deleted).not.toContain(`${url.cardKey}.png`);
    const late = await expireOgImages(fixture().storage, {
      maxIdleDays: 30,
      now: new Date(Date.now() + 31 * day),
    });
    expect(late.deleted).toContain(`${url.cardKey}.png`);
    expect(await ogBlobNames()).not.toContain(`${url.cardKey}.png`);

    // This instance still holds the bytes in memory (until its daily read of the blob is due).
    const remembered = await get(handle, url.url);
    expect(headersOf(remembered)["X-Cardpress-Cache"]).toBe("hit");
    expect((await bytesOf(remembered)).equals(bytes)).toBe(true);
    expect(counter.count()).toBe(1);
    // Another instance renders it again: the same bytes, the same ETag.
    const again = await get(handler(counter.render), url.url);
    expect(headersOf(again)["X-Cardpress-Cache"]).toBe("miss");
    expect((await bytesOf(again)).equals(bytes)).toBe(true);
    expect(headersOf(again).ETag).toBe(headersOf(first).ETag);
    expect(counter.count()).toBe(2);
  });

  test("a read records the access (locally, in metadata): a read image is kept; the local sweep deletes unread ones", async () => {
    const counter = countingRenderer();
    const handle = handler(counter.render);
    const read = signed(newCard());
    const unread = signed(newCard());
    await get(handle, read.url);
    await get(handle, unread.url);
    const longAgo = new Date(Date.now() - 40 * 24 * 60 * 60 * 1000).toISOString();
    for (const card of [read, unread]) {
      const blob = fixture().storage.og.getBlockBlobClient(`${card.cardKey}.png`);
      const { metadata } = await blob.getProperties();
      await blob.setMetadata({ ...metadata, lastaccess: longAgo });
    }
    // Read by an instance that does not hold it in memory: from the blob, which records the access.
    expect((await get(handler(counter.render), read.url)).status).toBe(200);

    const { context, logs } = newContext("expireOgImages");
    await ogSweepHandler({ ...fixture().appSettings, OG_EXPIRE_AFTER_DAYS: "30" })(
      timerInput,
      context,
    );
    const left = await ogBlobNames();
    expect(left).toContain(`${read.cardKey}.png`);
    expect(left).not.toContain(`${unread.cardKey}.png`);
    expect(logs.map((line) => line.text)).toContain(
      `expired og/${unread.cardKey}.png (not read for 30 days)`,
    );
  });

  test("the sweep leaves blobs the layout does not name and live locks; removes done and dead ones", async () => {
    const { og } = fixture().storage;
    const stranger = og.getBlockBlobClient("notes/readme.txt");
    await stranger.upload("x", 1);
    const hours = (count: number) => new Date(Date.now() + count * 60 * 60 * 1000).toISOString();
    const locks = {
      dead: { state: "rendering", expires: hours(1) },
      done: { state: "done", expires: hours(1) },
      live: { state: "rendering", expires: hours(3) },
    };
    for (const [index, metadata] of Object.values(locks).entries()) {
      await og.getBlockBlobClient(`locks/${"def"[index]?.repeat(64)}`).upload("", 0, { metadata });
    }
    const report = await expireOgImages(fixture().storage, {
      maxIdleDays: 30,
      now: new Date(Date.now() + 2 * 60 * 60 * 1000),
    });
    // Other tests' done locks are an hour old by then too.
    expect(report.staleLocks).toBeGreaterThanOrEqual(2);
    const left = await ogBlobNames();
    expect(left).toEqual(expect.arrayContaining(["notes/readme.txt", `locks/${"f".repeat(64)}`]));
    expect(left).not.toContain(`locks/${"d".repeat(64)}`);
    expect(left).not.toContain(`locks/${"e".repeat(64)}`);
  });
});

describe("keys", () => {
  test("after a rotation the previous key still verifies (served from storage); without it, 403", async () => {
    const counter = countingRenderer();
    const card = newCard();
    const oldUrl = signed(card, previousKey);
    const before = handler(counter.render, { [names.ogKeySettings.current]: previousKey });
    const bytes = await bytesOf(await get(before, oldUrl.url));

    const rotated = handler(counter.render, {
      [names.ogKeySettings.current]: currentKey,
      [names.ogKeySettings.previous]: previousKey,
    });
    const viaOld = await get(rotated, oldUrl.url);
    expect(viaOld.status).toBe(200);
    expect((await bytesOf(viaOld)).equals(bytes)).toBe(true);
    // A URL signed with the new key names the same card key: the stored image, not a new render.
    const viaNew = await get(rotated, signed(card, currentKey).url);
    expect(headersOf(viaNew)["X-Cardpress-Cache"]).toBe("hit");
    expect(counter.count()).toBe(1);

    const previousRemoved = handler(counter.render, { [names.ogKeySettings.current]: currentKey });
    const refused = await get(previousRemoved, oldUrl.url);
    expect([refused.status, errorOf(refused).code]).toEqual([403, "bad_signature"]);
  });
});
