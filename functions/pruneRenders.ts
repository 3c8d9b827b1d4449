// Timer trigger: deletes batches past their retention (bounded per run; the next run continues).
import { app, type InvocationContext, type Timer } from "@azure/functions";
import { pruneExpiredBatches } from "../jobs/prune";
import { readSettings } from "../jobs/settings";
import { openStorage } from "../jobs/storage";
import { triggers } from "../jobs/triggers";

export async function pruneRenders(_timer: Timer, context: InvocationContext): Promise<void> {
  const settings = readSettings();
  const report = await pruneExpiredBatches(await openStorage(), {
    limit: settings.PRUNE_BATCH_LIMIT,
  });
  for (const batch of report.pruned) {
    context.info(
      `pruned batch ${batch.batchId} (expired ${batch.expiresAt}): ${batch.blobsDeleted} blobs deleted`,
    );
  }
  context.info(
    `prune run: ${report.pruned.length} batches deleted${report.more ? `; more remain (limit ${settings.PRUNE_BATCH_LIMIT}), next run continues` : ""}`,
  );
}

app.timer("pruneRenders", {
  schedule: triggers.pruneRenders.schedule,
  handler: pruneRenders,
});
