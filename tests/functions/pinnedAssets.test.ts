// A batch renders the asset versions it pinned at enqueue, whatever happens to the shared names afterwards (Azurite).
import path from "node:path";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import sharp from "sharp";
import { enqueueFile } from "../../cli/commands/enqueue";
import { renderBatchHandler } from "../../functions/renderBatch";
import { AssetChangedError } from "../../jobs/assets";
import { enqueueBatch } from "../../jobs/enqueue";
import { blobNames } from "../../jobs/layout";
import { pruneExpiredBatches } from "../../jobs/prune";
import { readSettings } from "../../settings";
import { getBatchStatus } from "../../jobs/status";
import { handlerFor, useAzurite } from "../jobs/support/azurite";
import { smallCard, smallSize } from "../jobs/support/images";
import { drainQueue, type QueueHandler } from "../jobs/support/queueHost";

const fixture = useAzurite();
const renderBatch = handlerFor(fixture, renderBatchHandler);

const logoIn = (r: number, g: number, b: number): Promise<Buffer> =>
  sharp({ create: { width: 48, height: 48, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer();

async function download(blob: string): Promise<Buffer> {
  return fixture().storage.renders.getBlobClient(blob).downloadToBuffer();
}

/** Every snapshot of `asset` still stored (the pins of live batches). */
async function snapshotsOf(asset: string): Promise<string[]> {
  const found: string[] = [];
  for await (const blob of fixture().storage.assets.listBlobsFlat({
    prefix: asset,
    includeSnapshots: true,
  })) {
    if (blob.name === asset && blob.snapshot) found.push(blob.snapshot);
  }
  return found;
}

test("an asset overwritten while a batch is queued: every card renders the version enqueued", async () => {
  const { storage } = fixture();
  await storage.renderQueue.clearMessages();
  const logo = storage.assets.getBlockBlobClient("shared/logo.png");
  await logo.uploadData(await logoIn(220, 30, 30));
  // Two chunks of two identical cards: the overwrite lands between the chunks. The app's settings
  // for this test, read by enqueue and the worker alike (as one deployment has one set).
  const chunksOfTwo = { CHUNK_SIZE: "2" };
  const settings = readSettings(chunksOfTwo);
  const renderBatch = handlerFor(fixture, renderBatchHandler, chunksOfTwo);
  const card = (id: string) => smallCard(id, { title: "Same card", logo: "shared/logo.png" });
  const batch = await enqueueBatch(
    storage,
    { defaults: { size: smallSize }, items: ["a1", "a2", "a3", "a4"].map(card) },
    { settings },
  );
  expect(batch.chunkCount).toBe(2);

  let deliveries = 0;
  const overwriteAfterFirstChunk: QueueHandler = async (message, context) => {
    await renderBatch(message, context);
    // Someone else's logo under the same name, while the second chunk is still queued.
    if (++deliveries === 1) await logo.uploadData(await logoIn(30, 30, 220));
  };
  expect(await drainQueue(storage, overwriteAfterFirstChunk)).toMatchObject({
    delivered: 2,
    failed: 0,
  });
  const status = await getBatchStatus(storage, batch.batchId, { settings });
  expect(status).toMatchObject({ state: "succeeded", done: 4 });

  const images = await Promise.all(
    ["a1", "a2", "a3", "a4"].map((id) => download(blobNames.output(batch.batchId, id, "png"))),
  );
  // The same bytes for all four: the cards of one batch cannot differ by when they rendered.
  for (const image of images.slice(1)) expect(image.equals(images[0] as Buffer)).toBe(true);

  // A batch enqueued now gets the new logo, and it shows: the test could tell the two apart.
  const later = await enqueueBatch(
    storage,
    { defaults: { size: smallSize }, items: [card("b1")] },
    { settings },
  );
  await drainQueue(storage, renderBatch);
  const withNewLogo = await download(blobNames.output(later.batchId, "b1", "png"));
  expect(withNewLogo.equals(images[0] as Buffer)).toBe(false);
});

test("the worker reads the pinned snapshot; the pruner deletes the pins with the batch", async () => {
  const { storage } = fixture();
  await storage.renderQueue.clearMessages();
  const logo = storage.assets.getBlockBlobClient("pruned/logo.png");
  await logo.uploadData(await logoIn(10, 160, 10));
  const longAgo = new Date(Date.now() - 3 * 3_600_000);
  const batch = await enqueueBatch(
    storage,
    {
      ttlHours: 1,
      defaults: { size: smallSize },
      items: [smallCard("p1", { logo: "pruned/logo.png" })],
    },
    { settings: readSettings(), now: longAgo },
  );
  const pins = await snapshotsOf("pruned/logo.png");
  expect(pins).toHaveLength(1);

  const report = await pruneExpiredBatches(storage, { limit: 10 });
  expect(report.pruned.map((pruned) => pruned.batchId)).toContain(batch.batchId);
  expect(await snapshotsOf("pruned/logo.png")).toEqual([]);
  // The asset itself is the user's: it stays.
  expect(await logo.exists()).toBe(true);
  await storage.renderQueue.clearMessages();
});

test("enqueue pins only the version the caller uploaded: another writer in between refuses the batch", async () => {
  const { storage } = fixture();
  await storage.renderQueue.clearMessages();
  const logo = storage.assets.getBlockBlobClient("race/logo.png");
  const mine = await logo.uploadData(await logoIn(200, 200, 0));
  await logo.uploadData(await logoIn(0, 200, 200)); // another user, same name
  await expect(
    enqueueBatch(
      storage,
      { defaults: { size: smallSize }, items: [smallCard("r1", { logo: "race/logo.png" })] },
      { settings: readSettings(), expectedAssets: new Map([["race/logo.png", mine.etag ?? ""]]) },
    ),
  ).rejects.toThrow(AssetChangedError);
  // Nothing queued, nothing pinned.
  expect((await storage.renderQueue.peekMessages()).peekedMessageItems).toEqual([]);
  expect(await snapshotsOf("race/logo.png")).toEqual([]);
});

test("cardpress enqueue replaces an asset of the same name with other bytes, and says so", async () => {
  const { storage } = fixture();
  await storage.renderQueue.clearMessages();
  await storage.assets.getBlockBlobClient("cli-logo.png").uploadData(await logoIn(1, 2, 3));
  const folder = mkdtempSync(path.join(os.tmpdir(), "cardpress-pinned-"));
  writeFileSync(path.join(folder, "cli-logo.png"), await logoIn(250, 250, 250));
  const file = path.join(folder, "batch.json");
  writeFileSync(
    file,
    JSON.stringify({
      defaults: { size: smallSize },
      items: [smallCard("c1", { logo: "cli-logo.png" })],
    }),
  );
  const result = await enqueueFile(storage, file);
  expect(result.assets).toMatchObject({ uploaded: ["cli-logo.png"], replaced: ["cli-logo.png"] });
  const again = await enqueueFile(storage, file);
  expect(again.assets).toMatchObject({ unchanged: ["cli-logo.png"], replaced: [] });
  await drainQueue(storage, renderBatch);
  const done = await getBatchStatus(storage, result.batchId, { settings: readSettings() });
  expect(done).toMatchObject({ state: "succeeded" });
});
