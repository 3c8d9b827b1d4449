// A batch whose expiry comes before its queued chunks run: those chunks are dropped unrendered, so pruning leaves nothing behind.
import { pruneRendersHandler } from "../../functions/pruneRenders";
import { renderBatchHandler } from "../../functions/renderBatch";
import { enqueueBatch } from "../../jobs/enqueue";
import { renderDeadline } from "../../jobs/expiry";
import { blobNames } from "../../jobs/layout";
import { pipeline, readHostConfig, readSettings } from "../../settings";
import { getBatchStatus } from "../../jobs/status";
import { batchExitCode, exitCodes } from "../../cli/exitCodes";
import { handlerFor, useAzurite } from "../jobs/support/azurite";
import { newContext, timerInput } from "../jobs/support/context";
import { smallCard } from "../jobs/support/images";
import { drainQueue } from "../jobs/support/queueHost";

const fixture = useAzurite();
const renderBatch = handlerFor(fixture, renderBatchHandler);
const pruneRenders = handlerFor(fixture, pruneRendersHandler);
const settings = readSettings({});
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
/** Every blob in the renders container (images, records, results, expiry markers). */
async function allRenderBlobs(): Promise<string[]> {
  const found: string[] = [];
  for await (const blob of fixture().storage.renders.listBlobsFlat()) found.push(blob.name);
  return found;
}

/** A two-card batch with the shortest ttl (1 h), created `createdMinutesAgo` minutes ago. */
async function oneHourBatch(createdMinutesAgo: number): Promise<string> {
  const batch = await enqueueBatch(
    fixture().storage,
    {
      defaults: { size: { width: 64, height: 64 } },
      items: [smallCard("one"), smallCard("two")],
      ttlHours: 1,
    },
    { settings, now: minutesAgo(createdMinutesAgo) },
  );
  return batch.batchId;
}

test("the deadline leaves more time than the longest delivery (host.json functionTimeout)", () => {
  const timeoutMinutes = readHostConfig().functionTimeoutMs / 60_000;
  expect(timeoutMinutes).toBeGreaterThan(0);
  expect(pipeline.renderStopsMinutesBeforeExpiry).toBeGreaterThanOrEqual(timeoutMinutes + 5);
  const expiresAt = new Date("2026-01-01T12:00:00.000Z");
  expect(renderDeadline(expiresAt).toISOString()).toBe(
    new Date(expiresAt.getTime() - pipeline.renderStopsMinutesBeforeExpiry * 60_000).toISOString(),
  );
});

test("chunks delivered past the deadline are dropped unrendered; the batch reads expired, then is pruned without a trace", async () => {
  const { storage } = fixture();
  await storage.renderQueue.clearMessages();
  const margin = pipeline.renderStopsMinutesBeforeExpiry;
  // Expires in margin + 5 min: still renders. Expires in margin - 5 min: too late. Already expired: too late.
  const inTime = await oneHourBatch(60 - margin - 5);
  const tooLate = await oneHourBatch(60 - margin + 5);
  const expired = await oneHourBatch(61);

  const report = await drainQueue(storage, renderBatch);
  expect(report).toMatchObject({ delivered: 3, failed: 0, poisoned: 0 });
  const text = report.logs.map((line) => line.text).join("\n");
  expect(text).toContain(`batch ${inTime} chunk 0: 2 rendered, 0 failed`);
  for (const batchId of [tooLate, expired]) {
    expect(text).toMatch(
      new RegExp(`batch ${batchId} chunk 0: the batch expires at \\S+, too soon to render`),
    );
  }
  expect((await storage.renderQueue.getProperties()).approximateMessagesCount).toBe(0);

  await expect(getBatchStatus(storage, inTime, { settings })).resolves.toMatchObject({
    state: "succeeded",
    done: 2,
  });
  const lateStatus = await getBatchStatus(storage, tooLate, { settings });
  expect(lateStatus).toMatchObject({ state: "expired", done: 0, pending: 2 });
  expect(batchExitCode(lateStatus)).toBe(exitCodes.itemsFailed);
  // Nothing was written for the dropped chunks: only each batch's record and expiry marker.
  for (const batchId of [tooLate, expired]) {
    const written = (await allRenderBlobs()).filter((name) => name.includes(batchId));
    expect(written.sort()).toEqual(
      [blobNames.batchRecord(batchId), expect.stringMatching(/^_expiry\//)].sort(),
    );
  }

  // The expired batch is pruned entirely; nothing of it can reappear afterwards.
  await pruneRenders(timerInput, newContext("pruneRenders").context);
  expect((await allRenderBlobs()).filter((name) => name.includes(expired))).toEqual([]);
  expect((await allRenderBlobs()).filter((name) => name.includes(inTime)).length).toBe(5);
});

test("a ttlHours shorter than the minimum is raised with a warning, so the batch still renders", async () => {
  const { storage } = fixture();
  await storage.renderQueue.clearMessages();
  const now = new Date();
  const batch = await enqueueBatch(
    storage,
    { items: [smallCard("quick")], ttlHours: 0.1 },
    { settings, now },
  );
  expect(batch.ttlHours).toBe(pipeline.minTtlHours);
  expect(batch.warnings).toEqual([
    expect.stringMatching(/ttlHours 0\.1 is below the minimum of 1 .*; using 1$/),
  ]);
  expect(Date.parse(batch.expiresAt) - now.getTime()).toBe(pipeline.minTtlHours * 3_600_000);
  expect(await drainQueue(storage, renderBatch)).toMatchObject({ delivered: 1, failed: 0 });
  await expect(getBatchStatus(storage, batch.batchId, { settings })).resolves.toMatchObject({
    state: "succeeded",
    done: 1,
  });
});
