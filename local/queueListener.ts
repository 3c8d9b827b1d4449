// Polls one storage queue the way the Functions host's queue trigger does and delivers each message (queueDelivery.ts) under a renewed lease.
import type { DequeuedMessageItem, QueueClient } from "@azure/storage-queue";
import type { QueueHostOptions } from "../settings";
import { sleep } from "../support";
import { deliverQueueMessage, type MessageLease, type QueueDeliveryTarget } from "./queueDelivery";

export interface QueueListenerOptions extends QueueDeliveryTarget {
  options: QueueHostOptions;
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

interface ListenerState {
  listener: QueueListenerOptions;
  leaseMs: number;
  polling: AbortController;
  inFlight: Map<string, InFlightMessage>;
  /** Resolves the poll loop's wait for capacity, when it waits. */
  wakeOnCapacity: (() => void) | undefined;
}

/**
 * Host semantics: fetch `batchSize` messages whenever in-flight work drops to `newBatchThreshold`
 * (so at most batchSize + newBatchThreshold run at once); back off on empty polls up to
 * `maxPollingInterval`; renew each message's lease while its handler runs; each message is then
 * delivered as queueDelivery.ts describes (dequeue count, base64, retry, poison).
 */
export function startQueueListener(listener: QueueListenerOptions): QueueListener {
  const state: ListenerState = {
    listener,
    leaseMs: listener.leaseMs ?? defaultLeaseMs,
    polling: new AbortController(),
    inFlight: new Map(),
    wakeOnCapacity: undefined,
  };
  const polled = poll(state);
  return {
    get inFlight() {
      return state.inFlight.size;
    },
    stop: (graceMs) => stopListener(state, polled, graceMs),
  };
}

async function poll(state: ListenerState): Promise<void> {
  const { listener, polling } = state;
  let idleDelay = 0;
  while (!polling.signal.aborted) {
    if (state.inFlight.size > listener.options.newBatchThreshold) {
      await new Promise<void>((resolve) => (state.wakeOnCapacity = resolve));
      continue;
    }
    const items = await receiveBatch(state);
    if (polling.signal.aborted) {
      // Received while stopping: hand them straight back.
      await Promise.all(items.map((item) => makeVisible(listener.queue, item, item.popReceipt)));
      return;
    }
    for (const item of items) startDelivery(state, item);
    if (items.length > 0) {
      idleDelay = 0;
      continue;
    }
    idleDelay = Math.min(
      listener.options.maxPollingIntervalMs,
      idleDelay === 0 ? minPollingIntervalMs : idleDelay * 2,
    );
    await sleep(idleDelay, polling.signal);
  }
}

/** One receive of up to `batchSize` messages, leased for `leaseMs`; none when storage failed. */
async function receiveBatch(state: ListenerState): Promise<DequeuedMessageItem[]> {
  const { queue, options, log, functionName } = state.listener;
  try {
    const response = await queue.receiveMessages({
      numberOfMessages: Math.min(options.batchSize, maxMessagesPerReceive),
      visibilityTimeout: Math.ceil(state.leaseMs / 1000),
    });
    return response.receivedMessageItems;
  } catch (error) {
    log("warning", `${functionName}: polling ${queue.name} failed:`, error);
    return [];
  }
}

/** Ends a lease now; failures are ignored (the lease then simply runs out). */
const makeVisible = (queue: QueueClient, item: DequeuedMessageItem, popReceipt: string) =>
  queue.updateMessage(item.messageId, popReceipt, undefined, 0).then(
    () => undefined,
    () => undefined,
  );

function startDelivery(state: ListenerState, item: DequeuedMessageItem): void {
  const entry: InFlightMessage = { settled: Promise.resolve(), release: async () => {} };
  state.inFlight.set(item.messageId, entry);
  entry.settled = deliverLeased(state, item, entry).finally(() => {
    state.inFlight.delete(item.messageId);
    state.wakeOnCapacity?.();
    state.wakeOnCapacity = undefined;
  });
}

async function deliverLeased(
  state: ListenerState,
  item: DequeuedMessageItem,
  entry: InFlightMessage,
): Promise<void> {
  const { listener } = state;
  const lease = renewLease(listener, item, state.leaseMs);
  entry.release = lease.release;
  try {
    await deliverQueueMessage(listener, item, lease);
  } catch (error) {
    // Storage failed around the handler: the lease runs out and the message reappears.
    listener.log("error", `${listener.functionName}: settling ${item.messageId} failed:`, error);
  } finally {
    lease.stop();
  }
}

interface RenewedLease extends MessageLease {
  /** Ends the lease so the message is visible again at once (stopping the listener early). */
  release(): Promise<void>;
  /** Stops renewing, whatever became of the message. */
  stop(): void;
}

/** Renews the message's lease every `leaseMs / 2` while its handler runs, so no second delivery starts. */
function renewLease(
  listener: QueueListenerOptions,
  item: DequeuedMessageItem,
  leaseMs: number,
): RenewedLease {
  const { queue, log, functionName } = listener;
  let popReceipt = item.popReceipt;
  let finished = false;
  let renewal: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
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
  const stop = () => {
    finished = true;
    clearInterval(timer);
  };
  /** Settling needs the newest pop receipt, so a renewal in flight is waited for. */
  const end = async () => {
    stop();
    await renewal;
    return popReceipt;
  };
  return { end, stop, release: async () => makeVisible(queue, item, await end()) };
}

async function stopListener(
  state: ListenerState,
  polled: Promise<void>,
  graceMs: number,
): Promise<void> {
  state.polling.abort();
  state.wakeOnCapacity?.();
  await polled;
  const entries = [...state.inFlight.values()];
  const allSettled = Promise.all(entries.map((entry) => entry.settled)).then(() => true);
  const graceOver = new Promise<false>((resolve) =>
    setTimeout(() => resolve(false), graceMs).unref(),
  );
  if (!(await Promise.race([allSettled, graceOver]))) {
    // Unfinished work goes back to the queue now; redelivery is safe (handlers are idempotent).
    await Promise.all([...state.inFlight.values()].map((entry) => entry.release()));
  }
}
