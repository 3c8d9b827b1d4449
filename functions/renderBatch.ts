// Queue trigger on render-jobs: renders one chunk of a batch into blob storage.
import { app, trigger, type InvocationContext } from "@azure/functions";
import {
  InvalidBlobNameError,
  openStorage,
  processChunkMessage,
  quarantineMessage,
  RejectedMessageError,
} from "../jobs";
import { readSettings } from "../settings";
import { triggers } from "./host/triggers";

/**
 * Delivered at least once. Card failures are recorded in the chunk's result; storage failures
 * throw so the host retries (and after maxDequeueCount moves the message to render-jobs-poison);
 * a message no retry can fix (undecodable, or not matching its batch record) is logged with what
 * was wrong and moved to the poison queue at once, as the bytes that were received.
 */
export async function renderBatch(message: unknown, context: InvocationContext): Promise<void> {
  const storage = await openStorage();
  try {
    const dequeueCount = Number(context.triggerMetadata?.dequeueCount);
    const outcome = await processChunkMessage(storage, message, {
      settings: readSettings(),
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
    // A name outside the layout cannot come from a valid message: refused like one, never retried.
    if (error instanceof RejectedMessageError || error instanceof InvalidBlobNameError) {
      context.error(`${error.message}; moved to the poison queue`);
      await quarantineMessage(storage, message);
      return;
    }
    const attempt = context.triggerMetadata?.dequeueCount ?? "?";
    context.warn(`delivery ${String(attempt)} failed, the host will retry or poison it:`, error);
    throw error;
  }
}

const { queueName, connection, dataType } = triggers.renderBatch;
// `dataType` is not among the typed queue options of @azure/functions v4; the trigger object is
// passed to the host field by field, so adding it there asks the host for the message's bytes.
app.storageQueue("renderBatch", {
  queueName,
  connection,
  trigger: { ...trigger.storageQueue({ queueName, connection }), dataType },
  handler: renderBatch,
});
