// Polls one storage queue the way the Functions host's queue trigger does and invokes its handler per message.
import { randomUUID } from "node:crypto";
import { InvocationContext, type LogHandler } from "@azure/functions";
import type { DequeuedMessageItem, QueueClient } from "@azure/storage-queue";
import type { QueueHostOptions } from "./hostConfig";

export type QueueHandler = (message: unknown, context: InvocationContext) => Promise<void>;

export interface QueueListenerOptions {
  functionName: string;
  queue: QueueClient;
  /** `<queue>-poison`, created on first use as the host does. */
  poisonQueue: QueueClient;
  handler: QueueHandler;
  options: QueueHostOptions;
  log: LogHandler;
  /**
   * The binding's `dataType`: with "binary" the handler gets the message's bytes (a Buffer), as the
   * host gives them; otherwise JSON text arrives parsed and other text as a string.
   */
  dataType?: "binary" | undefined;
  /**
   * How long a received message stays invisible while its handler runs; renewed at half of it.
   * The host uses 10 minutes; locally a short lease lets a killed process's messages reappear soon.
   */
  leaseMs?: number;
}

/** Storage caps one receive at 32 messages. */
const maxMessagesPerReceive = 32;
/** The host's first back-off step after an empty poll. */
const minPollingIntervalMs = 100;
const defaultLeaseMs = 60_000;

const isBase64 = (text: string) => text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);

/** The Node worker hands JSON messages to the handler parsed, other text as a string. */
function toTriggerInput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });

interface InFlightMessage {
  settled: Promise<void>;
  /** Ends the lease so the message is visible again at once. */
  release: () => Promise<void>;
}

export interface QueueListener {
  /** Messages being processed right now. */
  readonly inFlight: number;
  /** Stops polling; in-flight messages finish within `graceMs` or are released to reappear at once. */
  stop(graceMs: number): Promise<void>;
}

/**
 * Host semantics: fetch `batchSize` messages whenever in-flight work drops to `newBatchThreshold`
 * (so at most batchSize + newBatchThreshold run at once); back off on empty polls up to
 * `maxPollingInterval`; decode base64; pass `dequeueCount` in triggerMetadata; on failure make the
 * message visible again after `visibilityTimeout`; after `maxDequeueCount` deliveries move it to
 * the poison queue. Text that is not base64 goes to the poison queue without an invocation. What
 * moves to the poison queue is the message text as received, as the host copies it.
 */
export function startQueueListener(listener: QueueListenerOptions): QueueListener {
  const { queue, poisonQueue, options, log, functionName } = listener;
  const leaseMs = listener.leaseMs ?? defaultLeaseMs;
  const polling = new AbortController();
  const inFlight = new Map<string, InFlightMessage>();
  let wakeOnCapacity: (() => void) | undefined;

  const moveToPoison = async (item: DequeuedMessageItem, popReceipt: string) => {
    await poisonQueue.createIfNotExists();
    await poisonQueue.sendMessage(item.messageText);
    await queue.deleteMessage(item.messageId, popReceipt);
    log(
      "warning",
      `${functionName}: message ${item.messageId} moved to ${poisonQueue.name} after ${item.dequeueCount} deliveries`,
    );
  };

  const deliver = async (item: DequeuedMessageItem, entry: InFlightMessage) => {
    let popReceipt = item.popReceipt;
    let finished = false;
    let renewal: Promise<void> = Promise.resolve();
    // Renewing the lease while the handler runs, so no second delivery starts meanwhile.
    const renew = setInterval(() => {
      if (finished) return;
      renewal = queue
        .updateMessage(item.messageId, popReceipt, undefined, Math.ceil(leaseMs / 1000))
        .then((response) => {
          if (response.popReceipt) popReceipt = response.popReceipt;
        })
        .catch((error: unknown) =>
          log("warning", `${functionName}: renewing ${item.messageId} failed:`, error),
        );
    }, leaseMs / 2);
    /** Settling needs the newest pop receipt, so a renewal in flight is waited for. */
    const stopRenewing = async () => {
      finished = true;
      clearInterval(renew);
      await renewal;
    };
    const release = async () => {
      await stopRenewing();
      await queue.updateMessage(item.messageId, popReceipt, undefined, 0).catch(() => undefined);
    };
    entry.release = release;
    try {
      if (item.dequeueCount > options.maxDequeueCount) {
        // Delivered too often already (a process died mid-message): no further attempt.
        await stopRenewing();
        await moveToPoison(item, popReceipt);
        return;
      }
      if (options.messageEncoding === "base64" && !isBase64(item.messageText)) {
        log("error", `${functionName}: message ${item.messageId} is not valid base64`);
        await stopRenewing();
        await moveToPoison(item, popReceipt);
        return;
      }
      const bytes =
        options.messageEncoding === "base64"
          ? Buffer.from(item.messageText, "base64")
          : Buffer.from(item.messageText, "utf8");
      const context = new InvocationContext({
        functionName,
        invocationId: randomUUID(),
        logHandler: (level, ...args) => log(level, `${functionName}:`, ...args),
        triggerMetadata: {
          id: item.messageId,
          dequeueCount: item.dequeueCount,
          insertionTime: item.insertedOn.toISOString(),
          expirationTime: item.expiresOn.toISOString(),
          nextVisibleTime: item.nextVisibleOn.toISOString(),
          popReceipt,
        },
      });
      try {
        const input =
          listener.dataType === "binary" ? bytes : toTriggerInput(bytes.toString("utf8"));
        await listener.handler(input, context);
      } catch (error) {
        await stopRenewing();
        log(
          "error",
          `${functionName}: delivery ${item.dequeueCount} of ${item.messageId} failed:`,
          error,
        );
        if (item.dequeueCount >= options.maxDequeueCount) await moveToPoison(item, popReceipt);
        else {
          await queue.updateMessage(
            item.messageId,
            popReceipt,
            undefined,
            Math.ceil(options.visibilityTimeoutMs / 1000),
          );
        }
        return;
      }
      await stopRenewing();
      await queue.deleteMessage(item.messageId, popReceipt);
    } catch (error) {
      // Storage failed around the handler: the lease runs out and the message reappears.
      log("error", `${functionName}: settling ${item.messageId} failed:`, error);
    } finally {
      finished = true;
      clearInterval(renew);
    }
  };

  const poll = async () => {
    let idleDelay = 0;
    while (!polling.signal.aborted) {
      if (inFlight.size > options.newBatchThreshold) {
        await new Promise<void>((resolve) => (wakeOnCapacity = resolve));
        continue;
      }
      let items: DequeuedMessageItem[] = [];
      try {
        const response = await queue.receiveMessages({
          numberOfMessages: Math.min(options.batchSize, maxMessagesPerReceive),
          visibilityTimeout: Math.ceil(leaseMs / 1000),
        });
        items = response.receivedMessageItems;
      } catch (error) {
        log("warning", `${functionName}: polling ${queue.name} failed:`, error);
      }
      if (polling.signal.aborted) {
        // Received while stopping: hand them straight back.
        await Promise.all(
          items.map((item) =>
            queue
              .updateMessage(item.messageId, item.popReceipt, undefined, 0)
              .catch(() => undefined),
          ),
        );
        return;
      }
      for (const item of items) {
        const entry: InFlightMessage = { settled: Promise.resolve(), release: async () => {} };
        inFlight.set(item.messageId, entry);
        entry.settled = deliver(item, entry).finally(() => {
          inFlight.delete(item.messageId);
          wakeOnCapacity?.();
          wakeOnCapacity = undefined;
        });
      }
      if (items.length > 0) {
        idleDelay = 0;
        continue;
      }
      idleDelay = Math.min(
        options.maxPollingIntervalMs,
        idleDelay === 0 ? minPollingIntervalMs : idleDelay * 2,
      );
      await sleep(idleDelay, polling.signal);
    }
  };
  const polled = poll();

  return {
    get inFlight() {
      return inFlight.size;
    },
    async stop(graceMs: number) {
      polling.abort();
      wakeOnCapacity?.();
      await polled;
      const entries = [...inFlight.values()];
      const allSettled = Promise.all(entries.map((entry) => entry.settled)).then(() => true);
      const graceOver = new Promise<false>((resolve) =>
        setTimeout(() => resolve(false), graceMs).unref(),
      );
      if (!(await Promise.race([allSettled, graceOver]))) {
        // Unfinished work goes back to the queue now; redelivery is safe (handlers are idempotent).
        await Promise.all([...inFlight.values()].map((entry) => entry.release()));
      }
    },
  };
}
