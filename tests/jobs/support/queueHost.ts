// The tests' in-process queue host: render-jobs drained through the local host's own delivery (local/queueDelivery.ts).
import type { LogLine } from "./context";
import { processChunkMessage } from "../../../jobs/chunk";
import { readHostConfig, type Settings } from "../../../settings";
import type { JobStorage } from "../../../jobs/storage";
import { triggers } from "../../../functions/host/triggers";
import type { QueueHandler } from "../../../functions/host";
import { deliverQueueMessage, type QueueDeliveryTarget } from "../../../local";
import { newContext } from "./context";

export type { QueueHandler };

/** maxDequeueCount as deployed: read from host.json, not repeated here. */
export function hostMaxDequeueCount(): number {
  return readHostConfig().queues.maxDequeueCount;
}

/**
 * A handler that renders each chunk as of `now` and fails unless it rendered: for batches that,
 * made in the past, a worker today would drop unrendered as too close to their expiry.
 */
export function renderingAsOf(storage: JobStorage, settings: Settings, now: Date): QueueHandler {
  return async (message) => {
    const outcome = await processChunkMessage(storage, message, { settings, now });
    if (outcome.kind !== "rendered")
      throw new Error(
        `expected the chunk to render as of ${now.toISOString()}; got ${outcome.kind}`,
      );
  };
}

export interface DeliveryReport {
  delivered: number;
  failed: number;
  poisoned: number;
  logs: LogLine[];
}

/**
 * Delivers messages one at a time until the queue is empty, as the host does (dequeue count,
 * base64, poison). A handler that throws gets the message back visible at once instead of after
 * visibilityTimeout. `logs` holds the handlers' log lines; the host's own lines are dropped.
 */
export async function drainQueue(
  storage: JobStorage,
  handler: QueueHandler,
  maxDequeueCount = hostMaxDequeueCount(),
): Promise<DeliveryReport> {
  const report: DeliveryReport = { delivered: 0, failed: 0, poisoned: 0, logs: [] };
  let handlerLogs: LogLine[] = [];
  const target: QueueDeliveryTarget = {
    functionName: "renderBatch",
    queue: storage.renderQueue,
    poisonQueue: storage.poisonQueue,
    handler,
    // As registered (functions/host/triggers.ts): bytes with dataType "binary".
    dataType: triggers.renderBatch.dataType,
    options: { ...readHostConfig().queues, maxDequeueCount, visibilityTimeoutMs: 0 },
    log: () => undefined,
    createContext: (triggerMetadata) => {
      const captured = newContext("renderBatch", triggerMetadata);
      handlerLogs = captured.logs;
      return captured.context;
    },
  };
  for (;;) {
    const received = await storage.renderQueue.receiveMessages({
      numberOfMessages: 1,
      visibilityTimeout: 60,
    });
    const message = received.receivedMessageItems[0];
    if (!message) return report;
    const outcome = await deliverQueueMessage(target, message);
    report.logs.push(...handlerLogs);
    handlerLogs = [];
    if (outcome.invoked) report.delivered++;
    if (outcome.invoked && outcome.settled !== "deleted") report.failed++;
    if (outcome.settled === "poisoned") report.poisoned++;
  }
}

/** Messages currently in a queue (peek, so they stay). */
export async function peekTexts(queue: JobStorage["renderQueue"]): Promise<string[]> {
  const peeked = await queue.peekMessages({ numberOfMessages: 32 });
  return peeked.peekedMessageItems.map((item) => item.messageText);
}
