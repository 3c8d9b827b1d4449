// The local host's timer: pruneRenders on a short NCRONTAB schedule deletes an expired batch, keeps a fresh one.
import { enqueueBatch } from "../../jobs/enqueue";
import { readSettings } from "../../settings";
import { readBatchRecord } from "../../jobs/status";
import { connectStorage } from "../../jobs/storage";
import { BatchNotFoundError } from "../../jobs/errors";
import { eventually, fastHostConfig, useLocalStack } from "./support/localStack";

// The schedule is an app setting (PRUNE_SCHEDULE), read by the host when it starts.
const appSettings = { PRUNE_SCHEDULE: "*/2 * * * * *" };
const fixture = useLocalStack({ hostConfig: fastHostConfig(), env: appSettings });

const card = (id: string) => ({ id, title: `Card ${id}`, size: { width: 200, height: 100 } });

test("the timer runs on its schedule and prunes batches past their retention", async () => {
  const { stack, logs } = fixture();
  expect(stack.host.timers.map((t) => [t.functionName, t.schedule])).toEqual([
    ["pruneRenders", "*/2 * * * * *"],
    // Local only: the og sweep (Azure uses a lifecycle rule), on its fixed hourly schedule.
    ["expireOgImages", "0 17 * * * *"],
  ]);
  const storage = connectStorage({ connectionString: stack.connectionString });
  const settings = readSettings(appSettings);
  const longAgo = new Date(Date.now() - (settings.RETENTION_HOURS + 1) * 3_600_000);
  const expired = await enqueueBatch(storage, { items: [card("old")] }, { settings, now: longAgo });
  const fresh = await enqueueBatch(storage, { items: [card("new")] }, { settings });

  // The log line is written after the run deleted the batch: waiting for it (not for the
  // deletion) means the run is over, so everything it reports can be checked.
  const pruned = `pruned batch ${expired.batchId}`;
  await eventually(
    async () => (logs.some((line) => line.includes(pruned)) ? true : undefined),
    15_000,
  );
  await expect(readBatchRecord(storage, expired.batchId)).rejects.toBeInstanceOf(
    BatchNotFoundError,
  );
  expect((await readBatchRecord(storage, fresh.batchId)).batchId).toBe(fresh.batchId);
});
