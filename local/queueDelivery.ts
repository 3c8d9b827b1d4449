// One delivery of one received queue message as the Functions host's queue trigger does it: checks, decoding, invocation, then delete, retry or poison.
import { randomUUID } from "node:crypto";
import { InvocationContext, type LogHandler, type TriggerMetadata } from "@azure/functions";
import type { DequeuedMessageItem, QueueClient } from "@azure/storage-queue";
import type { QueueHandler } from "../functions/host";
import type { QueueHostOptions } from "../settings";
import { isBase64 } from "../support";

/** What a delivery needs to know: the function, its queues and host.json's queue options. */
export interface QueueDeliveryTarget {
  functionName: string;
  queue: QueueClient;
  /** `<queue>-poison`, created on first use as the host does. */
  poisonQueue: QueueClient;
  handler: QueueHandler;
  /**
   * The binding's `dataType`: with "binary" the handler gets the message's bytes (a Buffer), as the
   * host gives them; otherwise JSON text arrives parsed and other text as a string.
   */
  dataType?: "binary" | undefined;
  options: Pick<QueueHostOptions, "maxDequeueCount" | "messageEncoding" | "visibilityTimeoutMs">;
  log: LogHandler;
  /** The handler's context; by default a real InvocationContext whose log lines go to `log`. */
  createContext?: (triggerMetadata: TriggerMetadata) => InvocationContext;
}

/** Who holds the message while the handler runs (the listener renews it meanwhile). */
export interface MessageLease {
  /** Stops any renewal; resolves to the newest pop receipt, which settling needs. */
  end(): Promise<string>;
}

/** Whether the handler ran, and what became of the message. */
export interface DeliveryOutcome {
  invoked: boolean;
  settled: "deleted" | "retried" | "poisoned";
}

/** The message as received, held for the whole delivery (no renewal). */
const heldAsReceived = (item: DequeuedMessageItem): MessageLease => ({
  end: async () => item.popReceipt,
});

/** The Node worker hands JSON messages to the handler parsed, other text as a string. */
function parsedOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The handler's input as the host builds it, or undefined for text that is not base64. */
function triggerInput(target: QueueDeliveryTarget, text: string): { input: unknown } | undefined {
  if (target.options.messageEncoding === "base64" && !isBase64(text)) return undefined;
  const bytes = Buffer.from(text, target.options.messageEncoding === "base64" ? "base64" : "utf8");
  return { input: target.dataType === "binary" ? bytes : parsedOrText(bytes.toString("utf8")) };
}

function contextFor(target: QueueDeliveryTarget, item: DequeuedMessageItem): InvocationContext {
  const triggerMetadata: TriggerMetadata = {
    id: item.messageId,
    dequeueCount: item.dequeueCount,
    insertionTime: item.insertedOn.toISOString(),
    expirationTime: item.expiresOn.toISOString(),
    nextVisibleTime: item.nextVisibleOn.toISOString(),
    popReceipt: item.popReceipt,
  };
  if (target.createContext) return target.createContext(triggerMetadata);
  const { functionName, log } = target;
  return new InvocationContext({
    functionName,
    invocationId: randomUUID(),
    logHandler: (level, ...args) => log(level, `${functionName}:`, ...args),
    triggerMetadata,
  });
}

/** What moves to the poison queue is the message text as received, as the host copies it. */
async function moveToPoison(
  target: QueueDeliveryTarget,
  item: DequeuedMessageItem,
  popReceipt: string,
): Promise<DeliveryOutcome["settled"]> {
  await target.poisonQueue.createIfNotExists();
  await target.poisonQueue.sendMessage(item.messageText);
  await target.queue.deleteMessage(item.messageId, popReceipt);
  target.log(
    "warning",
    `${target.functionName}: message ${item.messageId} moved to ${target.poisonQueue.name} after ${item.dequeueCount} deliveries`,
  );
  return "poisoned";
}

/** Runs the handler; resolves to its error, or undefined when it succeeded. */
async function invoke(
  target: QueueDeliveryTarget,
  item: DequeuedMessageItem,
  input: unknown,
): Promise<{ error: unknown } | undefined> {
  try {
    await target.handler(input, contextFor(target, item));
    return undefined;
  } catch (error) {
    return { error };
  }
}

/**
 * Delivers one received message: past `maxDequeueCount` deliveries, or not base64, it moves to the
 * poison queue without an invocation; otherwise the handler runs with `dequeueCount` in
 * triggerMetadata, then the message is deleted, or on failure made visible again after
 * `visibilityTimeout`, or moved to the poison queue on the last allowed delivery. Storage errors
 * while settling are thrown (the message then reappears when its lease runs out).
 */
export async function deliverQueueMessage(
  target: QueueDeliveryTarget,
  item: DequeuedMessageItem,
  lease: MessageLease = heldAsReceived(item),
): Promise<DeliveryOutcome> {
  const { functionName, log, options, queue } = target;
  if (item.dequeueCount > options.maxDequeueCount) {
    // Delivered too often already (a process died mid-message): no further attempt.
    return { invoked: false, settled: await moveToPoison(target, item, await lease.end()) };
  }
  const decoded = triggerInput(target, item.messageText);
  if (!decoded) {
    log("error", `${functionName}: message ${item.messageId} is not valid base64`);
    return { invoked: false, settled: await moveToPoison(target, item, await lease.end()) };
  }
  const failure = await invoke(target, item, decoded.input);
  const popReceipt = await lease.end();
  if (!failure) {
    await queue.deleteMessage(item.messageId, popReceipt);
    return { invoked: true, settled: "deleted" };
  }
  log(
    "error",
    `${functionName}: delivery ${item.dequeueCount} of ${item.messageId} failed:`,
    failure.error,
  );
  if (item.dequeueCount >= options.maxDequeueCount) {
    return { invoked: true, settled: await moveToPoison(target, item, popReceipt) };
  }
  const retryDelaySeconds = Math.ceil(options.visibilityTimeoutMs / 1000);
  await queue.updateMessage(item.messageId, popReceipt, undefined, retryDelaySeconds);
  return { invoked: true, settled: "retried" };
}
