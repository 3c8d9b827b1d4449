// End to end against Azurite: POST /api/batches → render-jobs → renderBatch → blobs → GET /api/batches/{id} → SAS URLs.
import { HttpRequest, type HttpResponseInit } from "@azure/functions";
import { createBatchHandler } from "../../functions/createBatch";
import { getBatchHandler } from "../../functions/getBatch";
import { renderBatchHandler } from "../../functions/renderBatch";
import { createAssetLoader } from "../../jobs/assets";
import { renderChunkItem } from "../../jobs/chunk";
import { blobNames } from "../../jobs/layout";
import { decodeChunkMessage, type InlineChunk } from "../../jobs/protocol";
import type { AppSettings } from "../../functions/host";
import { pipeline } from "../../settings";
import { limits } from "../../renderer/limits";
import type { BatchStatus } from "../../jobs/status";
import { handlerFor, useAzurite } from "../jobs/support/azurite";
import { newContext } from "../jobs/support/context";
import { decodedSize, pngSize, smallCard, smallSize, solidPng } from "../jobs/support/images";
import { drainQueue, hostMaxDequeueCount, peekTexts } from "../jobs/support/queueHost";

const fixture = useAzurite();
const getBatch = handlerFor(fixture, getBatchHandler);
const renderBatch = handlerFor(fixture, renderBatchHandler);

/** POST /api/batches, the app reading the fixture's settings and `extra` ones (e.g. CHUNK_SIZE). */
async function postBatch(
  batch: unknown,
  extra: AppSettings = {},
): Promise<HttpResponseInit & { jsonBody: Record<string, unknown> }> {
  const request = new HttpRequest({
    method: "POST",
    url: "http://localhost:7071/api/batches",
    headers: { "content-type": "application/json" },
    body: { string: JSON.stringify(batch) },
  });
  const createBatch = handlerFor(fixture, createBatchHandler, extra);
  const response = await createBatch(request, newContext("createBatch").context);
  return response as HttpResponseInit & { jsonBody: Record<string, unknown> };
}

async function statusOf(batchId: string): Promise<BatchStatus> {
  const request = new HttpRequest({
    method: "GET",
    url: `http://localhost:7071/api/batches/${batchId}`,
    params: { id: batchId },
  });
  const response = await getBatch(request, newContext("getBatch").context);
  expect(response.status).toBe(200);
  return response.jsonBody as BatchStatus;
}

/** Takes the next message off render-jobs without acknowledging it (as a worker that dies would). */
async function takeMessage(): Promise<{
  raw: unknown;
  remove: () => Promise<void>;
  expireLease: () => Promise<void>;
}> {
  const { storage } = fixture();
  const received = await storage.renderQueue.receiveMessages({ visibilityTimeout: 60 });
  const message = received.receivedMessageItems[0];
  if (!message) throw new Error("render-jobs is empty");
  return {
    raw: JSON.parse(Buffer.from(message.messageText, "base64").toString("utf8")),
    remove: async () => {
      await storage.renderQueue.deleteMessage(message.messageId, message.popReceipt);
    },
    // What visibilityTimeout running out does, without waiting for it.
    expireLease: async () => {
      await storage.renderQueue.updateMessage(message.messageId, message.popReceipt, undefined, 0);
    },
  };
}

async function etagOf(blobName: string): Promise<string | undefined> {
  return (await fixture().storage.renders.getBlobClient(blobName).getProperties()).etag;
}

test("a batch is queued, rendered and served through read-only SAS URLs", async () => {
  const { storage } = fixture();
  const created = await postBatch({
    defaults: { size: smallSize, theme: { preset: "midnight" } },
    items: [smallCard("alpha"), smallCard("beta"), smallCard("gamma", { size: "og" })],
    metadata: { campaign: "launch" },
  });
  expect(created.status).toBe(202);
  const batchId = created.jsonBody.batchId as string;
  expect(created.jsonBody.statusUrl).toBe(`http://localhost:7071/api/batches/${batchId}`);
  expect((created.headers as Record<string, string>).Location).toBe(created.jsonBody.statusUrl);

  const queued = await statusOf(batchId);
  expect(queued).toMatchObject({ state: "in_progress", total: 3, done: 0, pending: 3 });

  const delivery = await drainQueue(storage, renderBatch);
  expect(delivery).toMatchObject({ failed: 0, poisoned: 0 });

  const status = await statusOf(batchId);
  expect(status).toMatchObject({ state: "succeeded", total: 3, done: 3, failed: 0, pending: 0 });
  expect(status.metadata).toEqual({ campaign: "launch" });
  for (const item of status.items) {
    if (item.status !== "done" || !item.url) throw new Error(`item ${item.id} not done`);
    const url = new URL(item.url);
    expect(url.searchParams.get("sp")).toBe("r");
    expect(url.searchParams.get("sr")).toBe("b");
    expect(new Date(url.searchParams.get("st") ?? "").getTime()).toBeLessThan(Date.now());
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("cache-control")).toBe(pipeline.outputCacheControl);
    const bytes = Buffer.from(await response.arrayBuffer());
    const expected = item.id === "gamma" ? { width: 1200, height: 630 } : smallSize;
    expect(pngSize(bytes)).toEqual(expected);
    expect(await decodedSize(bytes)).toEqual(expected);
    expect(item.blob).toBe(blobNames.output(batchId, item.id, "png"));
    const properties = await storage.renders.getBlobClient(item.blob).getProperties();
    expect(properties.metadata).toMatchObject({ batchid: batchId, itemid: item.id });
    expect(properties.metadata?.spechash).toMatch(/^[0-9a-f]{32}$/);
  }
  // A SAS URL grants reading that one blob only: not the listing, not a write.
  const url = (status.items[0] as { url: string }).url;
  const listing = url.replace(/\/[^/?]+\?/, "?restype=container&comp=list&");
  expect((await fetch(listing)).status).toBe(403);
  expect(
    (await fetch(url, { method: "PUT", body: "x", headers: { "x-ms-blob-type": "BlockBlob" } }))
      .status,
  ).toBe(403);
});

test("invalid items and a missing asset fail alone; valid items and a real asset render", async () => {
  const { storage } = fixture();
  await storage.assets.getBlockBlobClient("brand/logo.png").uploadData(await solidPng(64, 64));
  const oversized = Buffer.alloc(limits.maxAssetBytes + 1);
  await storage.assets.getBlockBlobClient("brand/huge.png").uploadData(oversized);
  // Present at enqueue time (a batch naming absent assets is refused), deleted before rendering
  // together with its snapshots, the version the batch pinned (tests/functions/pinnedAssets.test.ts).
  const goneLater = storage.assets.getBlockBlobClient("brand/nope.png");
  await goneLater.uploadData(await solidPng(8, 8));
  const created = await postBatch({
    defaults: { size: smallSize },
    items: [
      smallCard("ok-1"),
      smallCard("bad-title", { title: "" }),
      smallCard("with-logo", { logo: "brand/logo.png" }),
      smallCard("missing-logo", { logo: "brand/nope.png" }),
      smallCard("huge-background", { background: "brand/huge.png" }),
      { title: "no id" },
    ],
  });
  expect(created.status).toBe(202);
  expect(created.jsonBody).toMatchObject({ total: 6, accepted: 4 });
  const batchId = created.jsonBody.batchId as string;
  await goneLater.delete({ deleteSnapshots: "include" });
  const report = await drainQueue(storage, renderBatch);
  expect(report.logs.filter((line) => line.level !== "information")).toEqual([]);
  const status = await statusOf(batchId);
  expect(status).toMatchObject({ state: "completed_with_errors", done: 2, failed: 4, pending: 0 });
  const byId = new Map(status.items.map((item) => [item.id, item]));
  expect(byId.get("ok-1")?.status).toBe("done");
  expect(byId.get("with-logo")?.status).toBe("done");
  // An item that fails its own checks is reported under its index (its id may be the bad part).
  expect(status.items[1]).toMatchObject({
    status: "failed",
    error: { code: "invalid_spec", issues: [expect.objectContaining({ path: "items[1].title" })] },
  });
  expect(byId.get("missing-logo")).toMatchObject({
    status: "failed",
    // Where the card names it and where the worker looked.
    error: {
      code: "asset",
      message: expect.stringMatching(
        /^items\[3\]\.logo "brand\/nope\.png": the version of blob "brand\/nope\.png" in container "assets" pinned when the batch was created \(snapshot [^)]+\) no longer exists$/,
      ),
    },
  });
  expect(byId.get("huge-background")).toMatchObject({
    status: "failed",
    error: { code: "asset", message: expect.stringContaining("expected at most 10,485,760") },
  });
  expect(byId.get("items[5]")).toMatchObject({ status: "failed", error: { code: "invalid_spec" } });
});

test("a chunk over the queue limit travels as a claim check in the jobs container", async () => {
  const { storage } = fixture();
  // The app's settings for this test, for both functions (as one deployment has one set).
  const chunksOf200 = { CHUNK_SIZE: "200" };
  const renderBatch = handlerFor(fixture, renderBatchHandler, chunksOf200);
  const longText = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. "
    .repeat(8)
    .slice(0, 480);
  const items = Array.from({ length: 120 }, (_, i) =>
    smallCard(`long-${i}`, { subtitle: longText, size: { width: 64, height: 64 } }),
  );
  const created = await postBatch({ items }, chunksOf200);
  expect(created.jsonBody).toMatchObject({ chunkCount: 1, claimChecks: 1 });
  const batchId = created.jsonBody.batchId as string;
  const [text] = await peekTexts(storage.renderQueue);
  const message = decodeChunkMessage(text);
  expect(message).toMatchObject({
    type: "chunk-ref",
    batchId,
    blob: blobNames.claimCheck(batchId, 0),
  });
  expect(Buffer.byteLength(text ?? "")).toBeLessThan(1024);
  expect(await storage.jobs.getBlobClient(blobNames.claimCheck(batchId, 0)).exists()).toBe(true);
  await drainQueue(storage, renderBatch);
  expect(await statusOf(batchId)).toMatchObject({ state: "succeeded", done: 120 });
});

test("duplicate deliveries produce the same blobs and the same result", async () => {
  const { storage } = fixture();
  const created = await postBatch({
    defaults: { size: smallSize },
    items: [smallCard("d1"), smallCard("d2"), smallCard("d3")],
  });
  const batchId = created.jsonBody.batchId as string;
  const { raw, remove } = await takeMessage();
  // The queue delivers the same message twice at once (two instances), then once more later.
  // Both copies are first deliveries (dequeueCount 1): neither looks for the other's outputs.
  await Promise.all([
    renderBatch(raw, newContext("renderBatch", { dequeueCount: 1 }).context),
    renderBatch(raw, newContext("renderBatch", { dequeueCount: 1 }).context),
  ]);
  const resultName = blobNames.chunkResult(batchId, 0);
  const firstResult = await storage.renders.getBlobClient(resultName).downloadToBuffer();
  const firstEtag = await etagOf(resultName);
  const first = await statusOf(batchId);
  const late = newContext("renderBatch", { dequeueCount: 1 });
  await renderBatch(raw, late.context);
  await remove();
  expect(late.logs.map((line) => line.text).join("\n")).toContain("already done");
  expect(await etagOf(resultName)).toBe(firstEtag);
  expect(await storage.renders.getBlobClient(resultName).downloadToBuffer()).toEqual(firstResult);
  const second = await statusOf(batchId);
  expect(second.items.map(({ id, status }) => ({ id, status }))).toEqual(
    first.items.map(({ id, status }) => ({ id, status })),
  );
  expect(second).toMatchObject({ state: "succeeded", done: 3 });
  const listed: string[] = [];
  for await (const blob of storage.renders.listBlobsFlat({ prefix: `${batchId}/` }))
    listed.push(blob.name);
  expect(listed.sort()).toEqual(
    [
      blobNames.batchRecord(batchId),
      resultName,
      ...["d1", "d2", "d3"].map((id) => blobNames.output(batchId, id, "png")),
    ].sort(),
  );
});

test("a worker that dies mid-chunk loses nothing: the redelivery finishes the rest", async () => {
  const { storage } = fixture();
  const ids = ["c1", "c2", "c3", "c4", "c5", "c6"];
  const created = await postBatch({
    defaults: { size: smallSize },
    items: ids.map((id) => smallCard(id)),
  });
  const batchId = created.jsonBody.batchId as string;
  const { raw, expireLease } = await takeMessage();
  const chunk = decodeChunkMessage(raw) as InlineChunk;
  // The first delivery renders half the cards, then its instance dies (no result, message not deleted).
  const loadAssets = createAssetLoader(storage);
  for (const item of chunk.items.slice(0, 3)) {
    await renderChunkItem(storage, batchId, item, loadAssets, new Map());
  }
  const before = await Promise.all(
    ids.slice(0, 3).map((id) => etagOf(blobNames.output(batchId, id, "png"))),
  );
  expect((await statusOf(batchId)).pending).toBe(6);

  // Its visibility timeout runs out and the host delivers the message again.
  await expireLease();
  const report = await drainQueue(storage, renderBatch);
  expect(report).toMatchObject({ delivered: 1, failed: 0 });

  const after = await Promise.all(
    ids.slice(0, 3).map((id) => etagOf(blobNames.output(batchId, id, "png"))),
  );
  expect(after).toEqual(before); // the finished half was reused, not rendered again
  expect(await statusOf(batchId)).toMatchObject({ state: "succeeded", done: 6, pending: 0 });
});

test("storage refusing writes: the handler throws, the host retries maxDequeueCount times, then poisons", async () => {
  const { storage } = fixture();
  const created = await postBatch({
    defaults: { size: smallSize },
    items: [smallCard("p1"), smallCard("p2")],
  });
  const batchId = created.jsonBody.batchId as string;
  // Another writer holds a lease on one output blob: every upload of it fails (412) until released.
  const blocked = storage.renders.getBlockBlobClient(blobNames.output(batchId, "p2", "png"));
  await blocked.uploadData(Buffer.from("placeholder"));
  await blocked.getBlobLeaseClient().acquireLease(-1);

  const report = await drainQueue(storage, renderBatch);
  const maxDequeueCount = hostMaxDequeueCount();
  expect(report).toMatchObject({
    delivered: maxDequeueCount,
    failed: maxDequeueCount,
    poisoned: 1,
  });
  expect(
    report.logs.some((line) => line.level === "warning" && /TransientStorageError/.test(line.text)),
  ).toBe(true);
  const poisoned = await peekTexts(storage.poisonQueue);
  expect(poisoned.map((text) => decodeChunkMessage(text).batchId)).toContain(batchId);
  expect(await peekTexts(storage.renderQueue)).toEqual([]);
  expect(await statusOf(batchId)).toMatchObject({ state: "in_progress", pending: 2 });
  await storage.poisonQueue.clearMessages();
});

test("an undecodable message is logged and moved to the poison queue without retries", async () => {
  const { storage } = fixture();
  await storage.poisonQueue.clearMessages();
  for (const raw of [
    "this is not json",
    { v: 99, type: "chunk", batchId: "x", chunk: 0, items: [] },
    { v: 1, type: "chunk", batchId: "x" },
  ]) {
    const { context, logs } = newContext("renderBatch");
    await expect(renderBatch(raw, context)).resolves.toBeUndefined();
    expect(logs.some((line) => line.level === "error" && line.text.includes("undecodable"))).toBe(
      true,
    );
  }
  const poisoned = await peekTexts(storage.poisonQueue);
  expect(poisoned).toHaveLength(3);
  expect(Buffer.from(poisoned[0] ?? "", "base64").toString("utf8")).toBe("this is not json");
  const versionLog = newContext("renderBatch");
  await renderBatch({ v: 2, type: "chunk" }, versionLog.context);
  expect(versionLog.logs[0]?.text).toContain("schema version 2 is not supported");
  await storage.poisonQueue.clearMessages();
});
