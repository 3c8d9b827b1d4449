// Queue trigger on render-jobs: renders one chunk of a batch into blob storage.
import { app, trigger } from "@azure/functions";
import { deliveryFailure, openStorage, processChunkMessage, quarantineMessage } from "../jobs";
import { readSettings } from "../settings";
import { triggers } from "./host/triggers";
import type { AppSettings, QueueHandler } from "./host/handlerTypes";

/**
 * Delivered at least once. Card failures are recorded in the chunk's result; storage failures
 * throw so the host retries (and after maxDequeueCount moves the message to render-jobs-poison);
 * a message no retry can fix (undecodable, or not matching its batch record) is logged with what
 * was wrong and moved to the poison queue at once, as the bytes that were received.
 */
export const renderBatchHandler = (appSettings: AppSettings): QueueHandler =>
  async function renderBatch(message, context) {
    const storage = await openStorage(appSettings);
    try {
      const dequeueCount = Number(context.triggerMetadata?.dequeueCount);
      const outcome = await processChunkMessage(storage, message, {
        settings: readSettings(appSettings),
        log: context,
        ...(Number.isInteger(dequeueCount) ? { dequeueCount } : {}),
      });
      const where = `batch ${outcome.batchId} chunk ${outcome.chunk}`;
      if (outcome.kind === "rendered") {
        context.info(`${where}: ${outcome.ok} rendered, ${outcome.failed} failed`);
      } else if (outcome.kind === "already-done") {
        context.info(`${where}: already done (duplicate delivery), nothing to do`);
      } else if (outcome.kind === "batch-expiring") {
        context.warn(
          `${where}: the batch expires at ${outcome.expiresAt}, too soon to render before it is pruned; message dropped, its cards stay unrendered`,
        );
      } else {
        context.warn(`${where}: batch record not found (pruned?), message dropped`);
      }
    } catch (error) {
      // Retry vs poison is decided in one place: jobs/errors.ts (docs/architecture.md has the table).
      const failure = deliveryFailure(error);
      if (failure.action === "poison") {
        context.error(`${failure.reason}; moved to the poison queue`);
        await quarantineMessage(storage, message);
        return;
      }
      const attempt = context.triggerMetadata?.dequeueCount ?? "?";
      context.warn(`delivery ${String(attempt)} failed, the host will retry or poison it:`, error);
      throw error;
    }
  };

const { queueName, connection, dataType } = triggers.renderBatch;
// `dataType` is not among the typed queue options of @azure/functions v4; the trigger object is
// passed to the host field by field, so adding it there asks the host for the message's bytes.
app.storageQueue("renderBatch", {
  queueName,
  connection,
  trigger: { ...trigger.storageQueue({ queueName, connection }), dataType },
  // In Azure the app settings are the environment.
  handler: renderBatchHandler(process.env),
});
