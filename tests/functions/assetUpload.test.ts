// PUT /api/assets/{name} through its handler, and batches naming absent assets refused at enqueue (HTTP 400).
import { HttpRequest, type HttpResponseInit } from "@azure/functions";
import { createBatchHandler } from "../../functions/createBatch";
import { getBatchHandler } from "../../functions/getBatch";
import { putAssetHandler } from "../../functions/putAsset";
import { renderBatchHandler } from "../../functions/renderBatch";
import type { StoredAsset } from "../../jobs/assets";
import type { ErrorBody } from "../../functions/host/httpErrors";
import type { BatchStatus } from "../../jobs/status";
import { limits } from "../../renderer/limits";
import { handlerFor, useAzurite } from "../jobs/support/azurite";
import { newContext } from "../jobs/support/context";
import { decodedSize, smallCard, smallSize, solidPng } from "../jobs/support/images";
import { drainQueue, peekTexts } from "../jobs/support/queueHost";
import { noisePng, pngDeclaring, solidJpeg, truncated } from "./support/assetImages";

const fixture = useAzurite();
const createBatch = handlerFor(fixture, createBatchHandler);
const getBatch = handlerFor(fixture, getBatchHandler);
const putAsset = handlerFor(fixture, putAssetHandler);
const renderBatch = handlerFor(fixture, renderBatchHandler);

function putRequest(
  name: string,
  bytes: Buffer | undefined,
  headers: Record<string, string> = { "content-type": "image/png" },
): HttpRequest {
  return new HttpRequest({
    method: "PUT",
    url: `http://localhost:7071/api/assets/${name}`,
    headers,
    params: { name },
    ...(bytes ? { body: { bytes } } : {}),
  });
}

async function put(
  name: string,
  bytes: Buffer | undefined,
  headers?: Record<string, string>,
): Promise<HttpResponseInit> {
  return putAsset(putRequest(name, bytes, headers), newContext("putAsset").context);
}

const errorOf = (response: HttpResponseInit) => (response.jsonBody as ErrorBody).error;

function postBatch(batch: unknown): Promise<HttpResponseInit> {
  return createBatch(
    new HttpRequest({
      method: "POST",
      url: "http://localhost:7071/api/batches",
      headers: { "content-type": "application/json" },
      body: { string: JSON.stringify(batch) },
    }),
    newContext("createBatch").context,
  );
}

const exists = (name: string) => fixture().storage.assets.getBlobClient(name).exists();

describe("PUT /api/assets/{name}", () => {
  test("stores a valid image under its name: 201, its type, size and hash", async () => {
    const png = await solidPng(48, 32);
    const response = await put("brand/mark.png", png);
    expect(response.status).toBe(201);
    expect(response.jsonBody).toMatchObject({
      name: "brand/mark.png",
      status: "created",
      contentType: "image/png",
      bytes: png.length,
      width: 48,
      height: 32,
    });
    const blob = fixture().storage.assets.getBlobClient("brand/mark.png");
    expect((await blob.downloadToBuffer()).equals(png)).toBe(true);
    expect((await blob.getProperties()).contentType).toBe("image/png");
  });

  test("is idempotent: the same bytes again are 200 unchanged and write nothing; other bytes replace", async () => {
    const png = await solidPng(20, 20);
    const first = await put("idem/logo.png", png);
    expect(first.status).toBe(201);
    const blob = fixture().storage.assets.getBlobClient("idem/logo.png");
    const etag = (await blob.getProperties()).etag;

    const again = await put("idem/logo.png", png);
    expect(again.status).toBe(200);
    expect({ ...(again.jsonBody as StoredAsset) }).toEqual({
      ...(first.jsonBody as StoredAsset),
      status: "unchanged",
    });
    expect((await blob.getProperties()).etag).toBe(etag);

    const jpeg = await solidJpeg(20, 20);
    const replaced = await put("idem/logo.png", jpeg, { "content-type": "image/jpeg" });
    expect(replaced.status).toBe(200);
    expect(replaced.jsonBody).toMatchObject({ status: "replaced", contentType: "image/jpeg" });
    expect((await blob.downloadToBuffer()).equals(jpeg)).toBe(true);
  });

  test.each([
    [
      "not an image",
      () => Promise.resolve(Buffer.from("<svg>not really</svg>")),
      /is not an image/,
    ],
    ["a truncated PNG", async () => truncated(await noisePng(200, 200)), /could not be decoded/],
    [
      "a decompression bomb (PNG declaring 20000×20000)",
      async () => pngDeclaring(await noisePng(16, 16), 20_000, 20_000),
      /declares 20000×20000 pixels; the limit is 25,000,000/,
    ],
  ])("%s is a 422 invalid_asset saying why, and nothing is stored", async (_, make, reason) => {
    const name = `bad/${Math.random().toString(16).slice(2)}.png`;
    const response = await put(name, await make());
    expect(response.status).toBe(422);
    expect(errorOf(response).code).toBe("invalid_asset");
    expect(errorOf(response).message).toMatch(reason);
    expect(errorOf(response).message).toContain(name);
    expect(await exists(name)).toBe(false);
  });

  test("bytes of another type than declared are a 422 naming both", async () => {
    const response = await put("bad/mislabelled.png", await solidJpeg(10, 10));
    expect(response.status).toBe(422);
    expect(errorOf(response).message).toMatch(
      /sent as image\/png but the bytes are JPEG; send Content-Type image\/jpeg/,
    );
    expect(await exists("bad/mislabelled.png")).toBe(false);
  });

  test.each([
    ["image/svg+xml", { "content-type": "image/svg+xml" }],
    ["application/octet-stream", { "content-type": "application/octet-stream" }],
    ["none", {} as Record<string, string>],
  ])("Content-Type %s is a 415 listing the accepted types", async (received, headers) => {
    const response = await put("bad/type.png", await solidPng(8, 8), headers);
    expect(response.status).toBe(415);
    expect(errorOf(response).message).toBe(
      `expected Content-Type image/png, image/jpeg, image/webp, image/gif, font/ttf, font/otf, font/woff, font/woff2, received ${received}`,
    );
    expect(await exists("bad/type.png")).toBe(false);
  });

  test("a body over the asset limit is a 413, declared or not (limits.maxAssetBytes)", async () => {
    const over = Buffer.alloc(limits.maxAssetBytes + 1, 7);
    const declared = await put("bad/huge.png", over, {
      "content-type": "image/png",
      "content-length": String(over.length),
    });
    expect(declared.status).toBe(413);
    expect(errorOf(declared).message).toBe(
      `body of ${over.length} bytes exceeds the limit of ${limits.maxAssetBytes} bytes`,
    );
    const undeclared = await put("bad/huge.png", over);
    expect(undeclared.status).toBe(413);
    expect(await exists("bad/huge.png")).toBe(false);
  });

  test("an empty body is a 400", async () => {
    const response = await put("bad/empty.png", undefined);
    expect(response.status).toBe(400);
    expect(errorOf(response).message).toBe("expected a image/png body, received an empty body");
  });

  test.each([
    ["a parent step", "../secrets.png"],
    ["a parent step inside", "brand/../../x.png"],
    ["a leading /", "/etc/logo.png"],
    ["an empty segment", "brand//logo.png"],
    ["a trailing /", "brand/"],
    ["a URL", "https://example.com/logo.png"],
    ["a space", "has space.png"],
    ["nothing", ""],
    ["a name over the length limit", `${"a".repeat(limits.maxAssetNameLength)}.png`],
  ])("a name with %s is a 400 invalid_asset_name", async (_, name) => {
    const response = await put(name, await solidPng(8, 8));
    expect(response.status).toBe(400);
    expect(errorOf(response).code).toBe("invalid_asset_name");
    expect(errorOf(response).message).toMatch(/^invalid asset name: /);
  });
});

describe("POST /api/batches with assets", () => {
  test("a batch naming absent assets is a 400 naming each, and nothing is queued or recorded", async () => {
    const { storage } = fixture();
    await put("present/logo.png", await solidPng(16, 16));
    const queuedBefore = (await peekTexts(storage.renderQueue)).length;
    const recordsBefore = await countBlobs();
    const response = await postBatch({
      defaults: { size: smallSize, logo: "present/logo.png" },
      items: [
        smallCard("a"),
        smallCard("b", { logo: "absent/one.png" }),
        smallCard("c", { background: "absent/two.jpg" }),
        smallCard("d", { logo: "absent/one.png" }),
      ],
    });
    expect(response.status).toBe(400);
    const error = errorOf(response);
    expect(error.code).toBe("missing_assets");
    expect(error.missingAssets).toEqual(["absent/one.png", "absent/two.jpg"]);
    expect(error.message).toMatch(/^2 assets not found in the "assets" container: /);
    expect(error.fields?.map((field) => field.path)).toEqual([
      "items[1].logo",
      "items[2].background",
      "items[3].logo",
    ]);
    expect((await peekTexts(storage.renderQueue)).length).toBe(queuedBefore);
    expect(await countBlobs()).toBe(recordsBefore);
  });

  test("round trip: upload with PUT, POST the batch, the cards render with the asset", async () => {
    const { storage } = fixture();
    expect((await put("trip/logo.png", await solidPng(40, 40))).status).toBe(201);
    const created = await postBatch({
      defaults: { size: smallSize, logo: "trip/logo.png" },
      items: [smallCard("t1"), smallCard("t2")],
    });
    expect(created.status).toBe(202);
    const { batchId } = created.jsonBody as { batchId: string };
    await drainQueue(storage, renderBatch);
    const status = await getBatch(
      new HttpRequest({
        method: "GET",
        url: `http://localhost:7071/api/batches/${batchId}`,
        params: { id: batchId },
      }),
      newContext("getBatch").context,
    );
    const body = status.jsonBody as BatchStatus;
    expect(body).toMatchObject({ state: "succeeded", done: 2 });
    for (const item of body.items) {
      if (item.status !== "done") throw new Error(`${item.id} is ${item.status}`);
      const image = Buffer.from(await (await fetch(item.url as string)).arrayBuffer());
      expect(await decodedSize(image)).toEqual(smallSize);
    }
  });
});

async function countBlobs(): Promise<number> {
  const found: string[] = [];
  for await (const blob of fixture().storage.renders.listBlobsFlat()) found.push(blob.name);
  return found.length;
}
