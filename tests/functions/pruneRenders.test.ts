// pruneRenders against Azurite: expired batches disappear completely, young ones stay, per-batch ttl is honoured.
import { pruneRendersHandler } from "../../functions/pruneRenders";
import { enqueueBatch } from "../../jobs/enqueue";
import { blobNames } from "../../jobs/layout";
import { pruneExpiredBatches } from "../../jobs/prune";
import { readSettings } from "../../settings";
import { getBatchStatus } from "../../jobs/status";
import { handlerFor, useAzurite } from "../jobs/support/azurite";
import { newContext, timerInput } from "../jobs/support/context";
import { smallCard } from "../jobs/support/images";
import { drainQueue, renderingAsOf } from "../jobs/support/queueHost";

const fixture = useAzurite();
const pruneRenders = handlerFor(fixture, pruneRendersHandler);
const settings = readSettings({});
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);

/** Every blob of a batch in both containers (images, record, results, claim checks). */
async function blobsOf(batchId: string): Promise<string[]> {
  const { storage } = fixture();
  const found: string[] = [];
  for (const container of [storage.renders, storage.jobs]) {
    for await (const blob of container.listBlobsFlat({ prefix: blobNames.batchPrefix(batchId) })) {
      found.push(`${container.containerName}/${blob.name}`);
    }
  }
  return found;
}

async function makeBatch(createdHoursAgo: number, ttlHours?: number): Promise<string> {
  const { storage } = fixture();
  const batch = await enqueueBatch(
    storage,
    {
      defaults: { size: { width: 64, height: 64 } },
      items: [smallCard("one"), smallCard("two")],
      ...(ttlHours ? { ttlHours } : {}),
    },
    { settings, now: hoursAgo(createdHoursAgo) },
  );
  // A claim check too, so the test sees the jobs container emptied as well.
  await storage.jobs
    .getBlockBlobClient(blobNames.claimCheck(batch.batchId, 7))
    .uploadData(Buffer.from("{}"));
  return batch.batchId;
}

test("the timer deletes expired batches entirely and keeps the others; a second run finds nothing", async () => {
  const { storage } = fixture();
  await storage.renderQueue.clearMessages();
  const old = await makeBatch(settings.RETENTION_HOURS + 2); // past the default retention
  const young = await makeBatch(2); // well inside it
  const shortTtl = await makeBatch(3, 1); // asked for 1 h, created 3 h ago: gone
  const longTtl = await makeBatch(settings.RETENTION_HOURS + 2, settings.RETENTION_HOURS + 100); // kept
  const capped = await makeBatch(settings.MAX_TTL_HOURS + 1, settings.MAX_TTL_HOURS * 10); // capped: gone
  // Render them all, so there are images and chunk results to delete as well. The worker renders
  // "back then" (before the oldest batch was created): today it would drop the expired batches'
  // chunks unrendered (tests/functions/expiringBatch.test.ts).
  const backThen = renderingAsOf(storage, settings, hoursAgo(settings.MAX_TTL_HOURS + 2));
  expect(await drainQueue(storage, backThen)).toMatchObject({ delivered: 5, failed: 0 });
  expect(await blobsOf(old)).toHaveLength(5); // record, chunk result, two images, claim check

  const { context, logs } = newContext("pruneRenders");
  await pruneRenders(timerInput, context);

  for (const gone of [old, shortTtl, capped]) {
    expect(await blobsOf(gone)).toEqual([]);
    await expect(getBatchStatus(storage, gone, { settings })).rejects.toThrow("not found");
  }
  for (const kept of [young, longTtl]) {
    expect(await blobsOf(kept)).toHaveLength(5);
    await expect(getBatchStatus(storage, kept, { settings })).resolves.toMatchObject({ total: 2 });
  }
  const text = logs.map((line) => line.text).join("\n");
  expect(text).toContain(`pruned batch ${old}`);
  expect(text).toContain("prune run: 3 batches deleted");

  const again = newContext("pruneRenders");
  await pruneRenders(timerInput, again.context);
  expect(again.logs.map((line) => line.text).join("\n")).toContain("prune run: 0 batches deleted");
});

test("each run is bounded, tolerates blobs already gone, and the next run continues", async () => {
  const { storage } = fixture();
  const batches = [await makeBatch(400, 1), await makeBatch(401, 1), await makeBatch(402, 1)];
  // Someone (a parallel run, a person) already deleted part of one batch.
  await storage.renders.getBlobClient(blobNames.batchRecord(batches[1] as string)).delete();

  const first = await pruneExpiredBatches(storage, { limit: 2 });
  expect(first.pruned).toHaveLength(2);
  expect(first.more).toBe(true);
  const second = await pruneExpiredBatches(storage, { limit: 2 });
  expect(second.pruned).toHaveLength(1);
  expect(second.more).toBe(false);
  for (const batchId of batches) expect(await blobsOf(batchId)).toEqual([]);
  expect([...first.pruned, ...second.pruned].map((batch) => batch.batchId).sort()).toEqual(
    [...batches].sort(),
  );
});
