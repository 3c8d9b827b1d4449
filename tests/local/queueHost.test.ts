// The local host's queue trigger: concurrency from host.json, lease renewal, dequeueCount, poison queue.
import type { InvocationContext } from "@azure/functions";
import { renderBatch } from "../../functions/renderBatch";
import { connectStorage } from "../../jobs/storage";
import { eventually, fastHostConfig, sleep, useLocalStack } from "./support/localStack";

interface Delivery {
  kind: string;
  dequeueCount: unknown;
  startedAt: number;
  endedAt?: number;
}
const deliveries: Delivery[] = [];
let runningNow = 0;
let mostAtOnce = 0;

/** Test messages say how to behave; anything else goes to the real handler. */
async function scriptedHandler(message: unknown, context: InvocationContext): Promise<void> {
  const script = message as { test?: "fail" | "slow"; ms?: number };
  if (!script.test) return renderBatch(message, context);
  const delivery: Delivery = {
    kind: script.test,
    dequeueCount: context.triggerMetadata?.dequeueCount,
    startedAt: Date.now(),
  };
  deliveries.push(delivery);
  mostAtOnce = Math.max(mostAtOnce, ++runningNow);
  try {
    if (script.test === "fail") throw new Error("scripted failure");
    await sleep(script.ms ?? 300);
  } finally {
    runningNow--;
    delivery.endedAt = Date.now();
  }
}

const config = fastHostConfig();
const fixture = useLocalStack({
  hostConfig: config,
  handlers: { renderBatch: scriptedHandler },
  leaseMs: 2_000,
});
const storage = () => connectStorage({ connectionString: fixture().stack.connectionString });
const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64");

async function poisonTexts(): Promise<string[]> {
  const peeked = await storage().poisonQueue.peekMessages({ numberOfMessages: 32 });
  return peeked.peekedMessageItems.map((item) => item.messageText);
}

beforeEach(() => {
  deliveries.length = 0;
  mostAtOnce = 0;
});

test("at most batchSize + newBatchThreshold messages run at once", async () => {
  const { batchSize, newBatchThreshold } = config.queues;
  const count = (batchSize + newBatchThreshold) * 3;
  for (let i = 0; i < count; i++)
    await storage().renderQueue.sendMessage(base64({ test: "slow", ms: 300 }));
  await eventually(async () =>
    deliveries.filter((d) => d.endedAt).length === count ? true : undefined,
  );
  expect(mostAtOnce).toBe(batchSize + newBatchThreshold);
});

test("a message that runs past its lease is renewed, not delivered twice", async () => {
  await storage().renderQueue.sendMessage(base64({ test: "slow", ms: 3_500 }));
  await eventually(async () => (deliveries[0]?.endedAt ? true : undefined));
  await sleep(1_000);
  expect(deliveries).toHaveLength(1);
  expect(deliveries[0]?.dequeueCount).toBe(1);
});

test("a failing message is retried with dequeueCount 1..maxDequeueCount, then moved to the poison queue", async () => {
  const text = base64({ test: "fail" });
  await storage().renderQueue.sendMessage(text);
  const poisoned = await eventually(async () =>
    (await poisonTexts()).includes(text) ? true : undefined,
  );
  expect(poisoned).toBe(true);
  const counts = Array.from({ length: config.queues.maxDequeueCount }, (_, i) => i + 1);
  expect(deliveries.map((d) => d.dequeueCount)).toEqual(counts);
  const remaining = await storage().renderQueue.peekMessages({ numberOfMessages: 32 });
  expect(remaining.peekedMessageItems).toHaveLength(0);
});

test("text that is not base64 goes to the poison queue without an invocation", async () => {
  const text = "this is not base64 {";
  await storage().renderQueue.sendMessage(text);
  await eventually(async () => ((await poisonTexts()).includes(text) ? true : undefined));
  expect(deliveries).toHaveLength(0);
});

test("the real renderBatch quarantines a message of an unknown schema version at once", async () => {
  await storage().renderQueue.sendMessage(base64({ v: 99, type: "chunk" }));
  const text = await eventually(async () =>
    (await poisonTexts()).find((t) => Buffer.from(t, "base64").toString().includes('"v":99')),
  );
  expect(JSON.parse(Buffer.from(text, "base64").toString())).toEqual({ v: 99, type: "chunk" });
  expect(fixture().logs.some((line) => /schema version 99 is not supported/.test(line))).toBe(true);
});
