// The local host's queue trigger: concurrency from host.json, lease renewal, dequeueCount, poison queue.
import type { InvocationContext } from "@azure/functions";
import { renderBatchHandler } from "../../functions/renderBatch";
import { names } from "../../settings";
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

/** The message as JSON: renderBatch's trigger delivers bytes (`dataType: "binary"`). */
function scriptOf(message: unknown): { test?: "fail" | "slow"; ms?: number } {
  if (!(message instanceof Uint8Array)) return message as { test?: "fail" | "slow" };
  try {
    return JSON.parse(Buffer.from(message).toString("utf8")) as { test?: "fail" | "slow" };
  } catch {
    return {};
  }
}

/** Test messages say how to behave; anything else goes to the real handler. */
async function scriptedHandler(message: unknown, context: InvocationContext): Promise<void> {
  const script = scriptOf(message);
  if (!script.test) {
    // The real handler, reading the stack's Azurite from its app settings (given as a value).
    const appSettings = { [names.connectionSetting]: fixture().stack.connectionString };
    return renderBatchHandler(appSettings)(message, context);
  }
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
  // Renewed every 2 s: a slow storage call on a busy machine must not let the lease lapse.
  leaseMs: 4_000,
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
  // All queued before the host can drain them, each long enough that the next receive always
  // comes before it ends, even when a storage call takes a second on a busy machine.
  await Promise.all(
    Array.from({ length: count }, () =>
      storage().renderQueue.sendMessage(base64({ test: "slow", ms: 1_500 })),
    ),
  );
  await eventually(async () =>
    deliveries.filter((d) => d.endedAt).length === count ? true : undefined,
  );
  expect(mostAtOnce).toBe(batchSize + newBatchThreshold);
});

test("a message that runs past its lease is renewed, not delivered twice", async () => {
  await storage().renderQueue.sendMessage(base64({ test: "slow", ms: 7_000 }));
  await eventually(async () => (deliveries[0]?.endedAt ? true : undefined));
  await sleep(1_000);
  expect(deliveries).toHaveLength(1);
  expect(deliveries[0]?.dequeueCount).toBe(1);
});

test("a failing message is retried with dequeueCount 1..maxDequeueCount, then moved to the poison queue", async () => {
  const text = base64({ test: "fail" });
  const { messageId } = await storage().renderQueue.sendMessage(text);
  // The host logs the move after it deleted the message from render-jobs: wait for that line.
  await eventually(async () =>
    fixture().logs.some((line) => line.includes(`message ${messageId} moved to`))
      ? true
      : undefined,
  );
  expect(await poisonTexts()).toContain(text);
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

test("the real renderBatch, given the message's bytes, poisons exactly what was sent", async () => {
  // Not UTF-8, and an integer past 2^53: a text or parsed-JSON copy would alter both.
  const sent = Buffer.concat([
    Buffer.from('{"v":1,"type":"chunk","chunk":98765432109876543210,"title":"'),
    Buffer.from([0xff, 0xc3]),
    Buffer.from('"}'),
  ]).toString("base64");
  await storage().renderQueue.sendMessage(sent);
  const text = await eventually(async () => (await poisonTexts()).find((t) => t === sent));
  expect(text).toBe(sent);
  expect(fixture().logs.some((line) => /not valid UTF-8/.test(line))).toBe(true);
});
