// Pruning keeps up with batch creation: a run's limit covers what the design rate creates between two runs (Azurite).
import { nextOccurrence, parseSchedule } from "../../local/ncrontab";
import { mapWithLimit } from "../../support/concurrency";
import { enqueueBatch } from "../../jobs/enqueue";
import { pruneExpiredBatches } from "../../jobs/prune";
import { pipeline, readSettings } from "../../settings";
import { useAzurite } from "./support/azurite";

const fixture = useAzurite();
const defaults = readSettings({});

/** The longest gap between two runs of the default schedule over a day. */
function longestIntervalSeconds(expression: string): number {
  const schedule = parseSchedule(expression);
  let longest = 0;
  let at = nextOccurrence(schedule, new Date("2026-11-23T00:00:00Z"));
  const end = at.getTime() + 86_400_000;
  while (at.getTime() < end) {
    const next = nextOccurrence(schedule, at);
    longest = Math.max(longest, (next.getTime() - at.getTime()) / 1000);
    at = next;
  }
  return longest;
}

test("a run may delete what the design creation rate makes between two runs of the default schedule", () => {
  const interval = longestIntervalSeconds(defaults.PRUNE_SCHEDULE);
  expect(pipeline.designBatchCreationRate).toBeGreaterThanOrEqual(68); // issue 11's measured client
  expect(defaults.PRUNE_BATCH_LIMIT).toBeGreaterThanOrEqual(
    pipeline.designBatchCreationRate * interval,
  );
  // And a run's share stays well inside the 10-minute function timeout only if runs are frequent.
  expect(interval).toBeLessThanOrEqual(10 * 60);
});

test("one run with the default limit deletes more batches than the old 200, and finds none left", async () => {
  const { storage } = fixture();
  const count = 220;
  const longAgo = new Date(Date.now() - (defaults.MAX_TTL_HOURS + 1) * 3_600_000);
  await mapWithLimit(
    Array.from({ length: count }, (_, index) => index),
    16,
    (index) =>
      enqueueBatch(
        storage,
        { items: [{ id: `c${index}`, title: "x", size: { width: 64, height: 64 } }] },
        { settings: defaults, now: longAgo },
      ),
  );
  await storage.renderQueue.clearMessages();
  const report = await pruneExpiredBatches(storage, { limit: defaults.PRUNE_BATCH_LIMIT });
  expect(report.pruned).toHaveLength(count);
  expect(report.more).toBe(false);
  const left: string[] = [];
  for await (const blob of storage.renders.listBlobsFlat()) left.push(blob.name);
  expect(left).toEqual([]);
}, 180_000);
