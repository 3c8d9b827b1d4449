// What the Functions host does with render-jobs, done by hand: receive, base64-decode, invoke, delete/retry/poison.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { InvocationContext } from "@azure/functions";
import { processChunkMessage } from "../../../jobs/chunk";
import type { Settings } from "../../../settings";
import type { JobStorage } from "../../../jobs/storage";
import { triggers } from "../../../functions/host/triggers";
import { newContext, type LogLine } from "./context";

/** maxDequeueCount as deployed: read from host.json, not repeated here. */
export function hostMaxDequeueCount(): number {
  const hostJson = JSON.parse(readFileSync(path.join(__dirname, "../../../host.json"), "utf8")) as {
    extensions: { queues: { maxDequeueCount: number } };
  };
  return hostJson.extensions.queues.maxDequeueCount;
}

export type QueueHandler = (message: unknown, context: InvocationContext) => Promise<void>;

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

/** Without a dataType the host passes JSON messages to Node handlers parsed, other text as a string. */
function toTriggerInput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const isBase64 = (text: string) => text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);

/**
 * Delivers messages until the queue is empty. A handler that throws gets the message back (made
 * visible again at once instead of after visibilityTimeout); after maxDequeueCount deliveries the
 * message moves to the poison queue, as the host does. Text that is not base64 goes straight there.
 */
export async function drainQueue(
  storage: JobStorage,
  handler: QueueHandler,
  maxDequeueCount = hostMaxDequeueCount(),
): Promise<DeliveryReport> {
  const report: DeliveryReport = { delivered: 0, failed: 0, poisoned: 0, logs: [] };
  for (;;) {
    const received = await storage.renderQueue.receiveMessages({
      numberOfMessages: 1,
      visibilityTimeout: 60,
    });
    const message = received.receivedMessageItems[0];
    if (!message) return report;
    const poison = async () => {
      await storage.poisonQueue.sendMessage(message.messageText);
      await storage.renderQueue.deleteMessage(message.messageId, message.popReceipt);
      report.poisoned++;
    };
    if (!isBase64(message.messageText)) {
      await poison();
      continue;
    }
    const bytes = Buffer.from(message.messageText, "base64");
    const { context, logs } = newContext("renderBatch", {
      id: message.messageId,
      dequeueCount: message.dequeueCount,
      insertionTime: message.insertedOn.toISOString(),
    });
    report.delivered++;
    try {
      // As registered (functions/host/triggers.ts): bytes with dataType "binary", else text or parsed JSON.
      const binary = triggers.renderBatch.dataType === "binary";
      await handler(binary ? bytes : toTriggerInput(bytes.toString("utf8")), context);
      await storage.renderQueue.deleteMessage(message.messageId, message.popReceipt);
    } catch {
      report.failed++;
      if (message.dequeueCount >= maxDequeueCount) await poison();
      else
        await storage.renderQueue.updateMessage(
          message.messageId,
          message.popReceipt,
          undefined,
          0,
        );
    } finally {
      report.logs.push(...logs);
    }
  }
}

/** Messages currently in a queue (peek, so they stay). */
export async function peekTexts(queue: JobStorage["renderQueue"]): Promise<string[]> {
  const peeked = await queue.peekMessages({ numberOfMessages: 32 });
  return peeked.peekedMessageItems.map((item) => item.messageText);
}
