// Timer trigger: deletes batches past their retention (bounded per run; the next run continues).
import { app } from "@azure/functions";
import { openStorage, pruneExpiredBatches } from "../jobs";
import { readSettings } from "../settings";
import { triggers } from "./host/triggers";
import type { AppSettings, TimerHandler } from "./host/handlerTypes";

const prunedBatchesLoggedByName = 20;

export const pruneRendersHandler = (appSettings: AppSettings): TimerHandler =>
  async function pruneRenders(_timer, context) {
    const settings = readSettings(appSettings);
    const report = await pruneExpiredBatches(await openStorage(appSettings), {
      limit: settings.PRUNE_BATCH_LIMIT,
    });
    // A run may delete tens of thousands of batches: name the first few, then count.
    for (const batch of report.pruned.slice(0, prunedBatchesLoggedByName)) {
      context.info(
        `pruned batch ${batch.batchId} (expired ${batch.expiresAt}): ${batch.blobsDeleted} blobs deleted`,
      );
    }
    const unnamed = report.pruned.length - prunedBatchesLoggedByName;
    const blobs = report.pruned.reduce((sum, batch) => sum + batch.blobsDeleted, 0);
    context.info(
      `prune run: ${report.pruned.length} batches deleted (${blobs} blobs)${unnamed > 0 ? `, ${unnamed} not named above` : ""}${report.more ? `; more remain (limit ${settings.PRUNE_BATCH_LIMIT}), next run continues` : ""}`,
    );
  };

app.timer("pruneRenders", {
  schedule: triggers.pruneRenders.schedule,
  // In Azure the app settings are the environment.
  handler: pruneRendersHandler(process.env),
});
