// Queue messages as untrusted input, against Azurite: forged, oversized and path-escaping messages touch no blob and are poisoned once, as received.
import { renderBatchHandler } from "../../functions/renderBatch";
import { enqueueBatch } from "../../jobs/enqueue";
import { blobNames } from "../../jobs/layout";
import { encodeQueueMessage, type ChunkMessage, type InlineChunk } from "../../jobs/protocol";
import { protocolVersion, readSettings } from "../../settings";
import type { JobStorage } from "../../jobs/storage";
import { handlerFor, useAzurite } from "./support/azurite";
import { drainQueue, peekTexts, type DeliveryReport } from "./support/queueHost";
import { smallCard, smallSize } from "./support/images";

const fixture = useAzurite();
const renderBatch = handlerFor(fixture, renderBatchHandler);
const settings = readSettings({ CHUNK_SIZE: "2" });

/** Every blob of every container, by container. */
async function allBlobs(storage: JobStorage): Promise<Record<string, string[]>> {
  const listed: Record<string, string[]> = {};
  for (const container of [storage.renders, storage.jobs, storage.assets]) {
    const found: string[] = [];
    for await (const blob of container.listBlobsFlat()) found.push(blob.name);
    listed[container.containerName] = found.sort();
  }
  return listed;
}

/** Queues the batch; its messages stay queued (taken off and kept aside) until `deliver` runs. */
async function queuedBatch(storage: JobStorage, ids: string[], title = "Real") {
  const batch = await enqueueBatch(
    storage,
    { defaults: { size: smallSize }, items: ids.map((id) => smallCard(id, { title })) },
    { settings },
  );
  const texts: string[] = [];
  for (;;) {
    const received = await storage.renderQueue.receiveMessages({ numberOfMessages: 32 });
    if (!received.receivedMessageItems.length) break;
    for (const item of received.receivedMessageItems) {
      texts.push(item.messageText);
      await storage.renderQueue.deleteMessage(item.messageId, item.popReceipt);
    }
  }
  return { ...batch, texts };
}

/** Sends the texts and runs the worker as the host would until the queue is empty. */
async function deliver(storage: JobStorage, ...texts: string[]): Promise<DeliveryReport> {
  for (const text of texts) await storage.renderQueue.sendMessage(text);
  return drainQueue(storage, renderBatch);
}

function forged(batchId: string, chunk: number, items: InlineChunk["items"]): string {
  const message: InlineChunk = { v: protocolVersion, type: "chunk", batchId, chunk, items };
  return encodeQueueMessage(message);
}

/** A card as a message carries it; its spec is valid whatever the item id claims. */
const card = (index: number, id: string, title = "Forged") => ({
  index,
  id,
  spec: { title, size: smallSize },
});

async function etagOf(storage: JobStorage, name: string): Promise<string | undefined> {
  return (await storage.renders.getBlobClient(name).getProperties()).etag;
}

beforeEach(async () => {
  await fixture().storage.poisonQueue.clearMessages();
  await fixture().storage.renderQueue.clearMessages();
});

test("a forged message for another batch's chunk, indices or ids writes nothing and is poisoned at once", async () => {
  const { storage } = fixture();
  // A finished batch (its status says done) and one whose chunks are still queued.
  const done = await queuedBatch(storage, ["d0", "d1", "d2"]);
  await deliver(storage, ...done.texts);
  const doneImage = blobNames.output(done.batchId, "d0", "png");
  const doneEtag = await etagOf(storage, doneImage);
  const queued = await queuedBatch(storage, ["q0", "q1", "q2"]);
  const before = await allBlobs(storage);

  const attempts = [
    // A chunk number the finished batch does not have, naming its image.
    forged(done.batchId, 5, [card(0, "d0")]),
    // The queued batch's real chunk 0, indices and ids, with other specs.
    forged(queued.batchId, 0, [card(0, "q0"), card(1, "q1")]),
    // Chunk 1 carrying chunk 0's cards.
    forged(queued.batchId, 1, [card(0, "q0")]),
    // Chunk 1 with its own index but an id of chunk 0.
    forged(queued.batchId, 1, [card(2, "q0")]),
  ];
  const report = await deliver(storage, ...attempts);

  expect(report).toMatchObject({ delivered: attempts.length, failed: 0, poisoned: 0 });
  expect(await allBlobs(storage)).toEqual(before);
  expect(await etagOf(storage, doneImage)).toBe(doneEtag);
  expect((await peekTexts(storage.poisonQueue)).sort()).toEqual([...attempts].sort());
  const refusals = report.logs.filter((line) => line.level === "error").map((line) => line.text);
  expect(refusals).toEqual([
    expect.stringContaining(`batch ${done.batchId} chunk 5 refused: the batch has 2 chunk(s)`),
    expect.stringContaining('items[0] "q0" carries a spec other than the one queued'),
    expect.stringContaining('expected items[2] "q2" at position 0, received items[0] "q0"'),
    expect.stringContaining('expected items[2] "q2" at position 0, received items[2] "q0"'),
  ]);

  // The real messages still render the queued batch, with its own specs.
  await deliver(storage, ...queued.texts);
  expect(
    (await allBlobs(storage)).renders?.filter((name) => name.startsWith(`${queued.batchId}/q`)),
  ).toEqual(["q0", "q1", "q2"].map((id) => blobNames.output(queued.batchId, id, "png")));
});

test("an item id such as ../../assets/x writes nothing outside the batch's folder", async () => {
  const { storage } = fixture();
  const queued = await queuedBatch(storage, ["p0"]);
  const before = await allBlobs(storage);
  const escaping = ["../../assets/x", "../x", "a/../../b", "./p0", "%2e%2e/x", "p0/"];
  const attempts = escaping.map((id) => forged(queued.batchId, 0, [card(0, id)]));

  const report = await deliver(storage, ...attempts);

  expect(report).toMatchObject({ delivered: escaping.length, failed: 0 });
  expect(await allBlobs(storage)).toEqual(before);
  expect(await peekTexts(storage.poisonQueue)).toHaveLength(escaping.length);
  for (const line of report.logs.filter((entry) => entry.level === "error")) {
    expect(line.text).toContain("expected an item id of letters, digits");
  }
});

test("a message carrying more cards than its batch's chunks hold is refused", async () => {
  const { storage } = fixture();
  const queued = await queuedBatch(storage, ["s0", "s1"]);
  const before = await allBlobs(storage);
  // Cheap cards (no title): were they rendered, each would fail on its own and the chunk "finish".
  const many = (count: number) =>
    Array.from({ length: count }, (_, index) => ({ index, id: `s${index}`, spec: {} }));

  const report = await deliver(
    storage,
    forged(queued.batchId, 0, many(599)),
    forged(queued.batchId, 0, many(3)),
  );

  expect(report).toMatchObject({ delivered: 2, failed: 0 });
  expect(await allBlobs(storage)).toEqual(before);
  const refusals = report.logs.filter((line) => line.level === "error").map((line) => line.text);
  expect(refusals).toEqual([
    expect.stringContaining("items: Too big: expected array to have <=500 items"),
    expect.stringContaining("it carries 3 cards; chunks of this batch hold at most 2"),
  ]);
});

test("a claim check that is corrupt or not this chunk's is poisoned on the first delivery", async () => {
  const { storage } = fixture();
  const queued = await queuedBatch(storage, ["c0", "c1", "c2"]);
  const other = await queuedBatch(storage, ["o0"]);
  const ref = (chunk: number, blob: string): string =>
    encodeQueueMessage({
      v: protocolVersion,
      type: "chunk-ref",
      batchId: queued.batchId,
      chunk,
      blob,
    } satisfies ChunkMessage);
  // This batch's chunk 0 claim check, made corrupt; chunk 1's holding another batch's chunk.
  await storage.jobs
    .getBlockBlobClient(blobNames.claimCheck(queued.batchId, 0))
    .uploadData(Buffer.from("{ not json"));
  const foreign: InlineChunk = {
    v: protocolVersion,
    type: "chunk",
    batchId: other.batchId,
    chunk: 0,
    items: [card(0, "o0")],
  };
  await storage.jobs
    .getBlockBlobClient(blobNames.claimCheck(queued.batchId, 1))
    .uploadData(Buffer.from(JSON.stringify(foreign)));
  const before = await allBlobs(storage);
  const attempts = [
    ref(0, blobNames.claimCheck(queued.batchId, 0)),
    ref(1, blobNames.claimCheck(queued.batchId, 1)),
    // Names that are not this chunk's claim check: another batch's, and one outside the container.
    ref(1, blobNames.claimCheck(other.batchId, 0)),
    ref(1, `../renders/${blobNames.batchRecord(other.batchId)}`),
  ];

  const report = await deliver(storage, ...attempts);

  expect(report).toMatchObject({ delivered: attempts.length, failed: 0, poisoned: 0 });
  expect(await allBlobs(storage)).toEqual(before);
  expect((await peekTexts(storage.poisonQueue)).sort()).toEqual([...attempts].sort());
  const refusals = report.logs.filter((line) => line.level === "error").map((line) => line.text);
  expect(refusals).toEqual([
    expect.stringContaining("claim check unreadable"),
    expect.stringContaining(`holds batch ${other.batchId} chunk 0`),
    expect.stringContaining("expected the claim check"),
    expect.stringContaining("expected the claim check"),
  ]);
});

test("the poison queue receives the message's exact bytes (invalid UTF-8, long integers)", async () => {
  const { storage } = fixture();
  const queued = await queuedBatch(storage, ["u0"]);
  const invalidUtf8 = Buffer.concat([
    Buffer.from(
      `{"v":1,"type":"chunk","batchId":"${queued.batchId}","chunk":0,"items":[{"index":0,"id":"u0","spec":{"title":"`,
    ),
    Buffer.from([0xff, 0xfe, 0xc3]),
    Buffer.from(`"}}]}`),
  ]);
  const longInteger = Buffer.from(
    `{"v":1,"type":"chunk","batchId":"${queued.batchId}","chunk":12345678901234567890123,"items":[]}`,
  );
  const texts = [invalidUtf8, longInteger].map((bytes) => bytes.toString("base64"));

  const report = await deliver(storage, ...texts);

  expect(report).toMatchObject({ delivered: 2, failed: 0 });
  const poisoned = await peekTexts(storage.poisonQueue);
  expect(poisoned.map((text) => Buffer.from(text, "base64"))).toEqual([invalidUtf8, longInteger]);
  expect(report.logs.filter((line) => line.level === "error")[0]?.text).toContain(
    "not valid UTF-8",
  );
});
