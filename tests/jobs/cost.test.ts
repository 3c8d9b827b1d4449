// Cost budgets of the batch pipeline: chunks by estimated render time, a per-batch limit, and per-card deadlines.
import { processChunkMessage, readChunkResult } from "../../jobs/chunk";
import { cardDeadlineMs } from "../../jobs/deadline";
import { chunkCostBudget, enqueueBatch, planChunks } from "../../jobs/enqueue";
import { blobNames } from "../../jobs/layout";
import { pipeline, readHostConfig, readSettings } from "../../settings";
import { sharedRenderGate } from "../../jobs/renderGate";
import { SpecValidationError } from "../../renderer/errors";
import { limits } from "../../renderer/limits";
import { estimateRenderMs } from "../../renderer/spec/cost";
import { parseCardSpec } from "../../renderer/spec/validate";
import { eventually } from "../support/eventually";
import { useAzurite } from "./support/azurite";

const fixture = useAzurite();
const settings = readSettings({});

/** A card near the per-card limit: 4096² AVIF at quality 95 (~8.7 s estimated). */
const heavyCard = (id: string) => ({
  id,
  title: "Heavy",
  size: { width: 4096, height: 4096 },
  format: "avif",
  quality: 95,
});

const heavyItems = (count: number) =>
  Array.from({ length: count }, (_, index) => ({
    index,
    id: `heavy-${index}`,
    spec: parseCardSpec(heavyCard(`heavy-${index}`)),
  }));

test("the chunk budget is at most 25 % of host.json's functionTimeout", () => {
  const timeoutMs = readHostConfig().functionTimeoutMs;
  expect(timeoutMs).toBeGreaterThan(0);
  expect(pipeline.maxChunkRenderMs).toBeLessThanOrEqual(timeoutMs / 4);
  // A chunk holds at least one card of the largest allowed cost.
  expect(pipeline.maxChunkRenderMs).toBeGreaterThanOrEqual(limits.maxCardRenderMs);
});

test("planChunks splits 25 heavy cards into several chunks, each within the chunk budget, in order", () => {
  const items = heavyItems(25);
  const chunks = planChunks("b", items, 25, chunkCostBudget);
  expect(chunks.length).toBeGreaterThan(1);
  for (const chunk of chunks) {
    const expectedMs = chunk.inline.items.reduce(
      (sum, item) => sum + chunkCostBudget.estimateMs(item),
      0,
    );
    expect(expectedMs).toBeLessThanOrEqual(pipeline.maxChunkRenderMs);
  }
  expect(chunks.flatMap((chunk) => chunk.inline.items.map((item) => item.index))).toEqual(
    items.map((item) => item.index),
  );
  expect(chunks.map((chunk) => chunk.inline.chunk)).toEqual(chunks.map((_, index) => index));
  // Light cards still chunk by count.
  const light = Array.from({ length: 30 }, (_, index) => ({
    index,
    id: `l${index}`,
    spec: parseCardSpec({ title: "x" }),
  }));
  expect(planChunks("b", light, 25, chunkCostBudget).map((c) => c.inline.items.length)).toEqual([
    25, 5,
  ]);
});

test("enqueueBatch chunks by cost, and refuses a batch over the per-batch budget before writing anything", async () => {
  const { storage } = fixture();
  await storage.renderQueue.clearMessages();
  const batch = await enqueueBatch(
    storage,
    { items: Array.from({ length: 25 }, (_, index) => heavyCard(`h${index}`)) },
    { settings },
  );
  expect(batch.accepted).toBe(25);
  expect(batch.chunkCount).toBeGreaterThan(1);
  await storage.renderQueue.clearMessages();

  const tight = { ...settings, MAX_BATCH_RENDER_SECONDS: 60 };
  const items = Array.from({ length: 8 }, (_, index) => heavyCard(`h${index}`));
  const totalSeconds = (8 * estimateRenderMs(parseCardSpec(heavyCard("x")))) / 1000;
  expect(totalSeconds).toBeGreaterThan(60);
  const refused = enqueueBatch(storage, { items }, { settings: tight });
  await expect(refused).rejects.toThrow(SpecValidationError);
  await expect(refused).rejects.toThrow(
    /^invalid batch file: items: the 8 accepted cards are estimated at ~\d+ s of rendering in total, over the per-batch limit of 60 s \(MAX_BATCH_RENDER_SECONDS\); heaviest: items\[0\] ~\d(\.\d)? s \(4096×4096 avif at quality 95\)/,
  );
  expect((await storage.renderQueue.getProperties()).approximateMessagesCount).toBe(0);
  // Within the budget the same cards are accepted.
  await expect(
    enqueueBatch(storage, { items: items.slice(0, 6) }, { settings: tight }),
  ).resolves.toMatchObject({ accepted: 6 });
  await storage.renderQueue.clearMessages();
});

test("a card's deadline is a bounded multiple of its estimate", () => {
  const og = parseCardSpec({ title: "x" });
  const heavy = parseCardSpec(heavyCard("h"));
  expect(cardDeadlineMs(og, settings)).toBe(pipeline.cardDeadlineMinMs);
  expect(cardDeadlineMs(heavy, settings)).toBe(
    pipeline.cardDeadlineFactor * estimateRenderMs(heavy),
  );
  expect(cardDeadlineMs(heavy, { CARD_DEADLINE_SECONDS: 20 })).toBe(20_000);
  // The costliest card allowed gets its full multiple under the default cap.
  expect(pipeline.cardDeadlineFactor * limits.maxCardRenderMs).toBeLessThanOrEqual(
    settings.CARD_DEADLINE_SECONDS * 1000,
  );
});

test("a card past its deadline fails with deadline_exceeded and the next card of the chunk renders", async () => {
  const { storage } = fixture();
  await storage.renderQueue.clearMessages();
  const batch = await enqueueBatch(
    storage,
    {
      items: [
        { id: "slow", title: "Slow" },
        { id: "fast", title: "Fast" },
      ],
    },
    { settings },
  );
  const [message] = (await storage.renderQueue.receiveMessages()).receivedMessageItems;
  if (!message) throw new Error("no chunk message was queued");
  // 1 ms: no card can draw and encode that fast, so the slow card always misses it.
  const outcome = await processChunkMessage(
    storage,
    Buffer.from(message.messageText, "base64").toString("utf8"),
    {
      settings: { ...settings, RENDER_CONCURRENCY: 1 },
      dequeueCount: 1,
      cardDeadlineMs: (spec) => (spec.id === "slow" ? 1 : 60_000),
    },
  );
  expect(outcome).toMatchObject({ kind: "rendered", ok: 1, failed: 1 });
  const result = await readChunkResult(storage, batch.batchId, 0);
  expect(result?.items).toEqual([
    {
      index: 0,
      id: "slow",
      status: "failed",
      error: {
        code: "deadline_exceeded",
        message: expect.stringMatching(/^rendering took longer than its deadline of 0\.001 s/),
      },
    },
    expect.objectContaining({ index: 1, id: "fast", status: "ok" }),
  ]);
  const blobs: string[] = [];
  for await (const blob of storage.renders.listBlobsFlat({
    prefix: blobNames.batchPrefix(batch.batchId),
  })) {
    blobs.push(blob.name);
  }
  expect(blobs).toContain(blobNames.output(batch.batchId, "fast", "png"));
  expect(blobs).not.toContain(blobNames.output(batch.batchId, "slow", "png"));
  // The abandoned render ran on to its end, holding its gate slot until then.
  await eventually(async () => (sharedRenderGate().snapshot().running === 0 ? true : undefined));
});
