// POST /api/batches with Idempotency-Key, and creation failing half-way: one batch per key, none visible half made (Azurite).
import { HttpRequest, type HttpResponseInit } from "@azure/functions";
import { createBatchHandler } from "../../functions/createBatch";
import { renderBatchHandler } from "../../functions/renderBatch";
import { readJsonBlob, writeJsonBlob } from "../../jobs/blobJson";
import { enqueueBatch } from "../../jobs/enqueue";
import { BatchNotFoundError, TransientStorageError } from "../../jobs/errors";
import { blobNames } from "../../jobs/layout";
import { batchRecordSchema } from "../../jobs/protocol";
import { pruneExpiredBatches } from "../../jobs/prune";
import { pipeline, readSettings } from "../../settings";
import { getBatchStatus } from "../../jobs/status";
import { connectStorage } from "../../jobs/storage";
import { handlerFor, useAzurite } from "../jobs/support/azurite";
import { newContext } from "../jobs/support/context";
import { smallCard, smallSize, solidPng } from "../jobs/support/images";
import { drainQueue } from "../jobs/support/queueHost";

const fixture = useAzurite();
const createBatch = handlerFor(fixture, createBatchHandler);
const renderBatch = handlerFor(fixture, renderBatchHandler);
const settings = readSettings({});

const batchFile = (title: string) => ({
  defaults: { size: smallSize },
  items: [smallCard("k1", { title, logo: "idem/logo.png" }), smallCard("k2", { title })],
});

async function post(
  body: unknown,
  key?: string,
): Promise<
  HttpResponseInit & { jsonBody: Record<string, unknown>; headers: Record<string, string> }
> {
  const request = new HttpRequest({
    method: "POST",
    url: "http://localhost:7071/api/batches",
    headers: {
      "content-type": "application/json",
      ...(key !== undefined ? { "Idempotency-Key": key } : {}),
    },
    body: { string: JSON.stringify(body) },
  });
  return (await createBatch(request, newContext("createBatch").context)) as HttpResponseInit & {
    jsonBody: Record<string, unknown>;
    headers: Record<string, string>;
  };
}

async function queuedMessages(): Promise<number> {
  const properties = await fixture().storage.renderQueue.getProperties();
  return properties.approximateMessagesCount ?? 0;
}

/** Batch ids that have a record blob, visible or not. */
async function recordedBatches(): Promise<Set<string>> {
  const found = new Set<string>();
  for await (const blob of fixture().storage.renders.listBlobsFlat()) {
    if (blob.name.endsWith("/_batch.json")) found.add(blob.name.split("/")[0] as string);
  }
  return found;
}

beforeAll(async () => {
  await fixture()
    .storage.assets.getBlockBlobClient("idem/logo.png")
    .uploadData(await solidPng(16, 16));
});
beforeEach(() => fixture().storage.renderQueue.clearMessages());

test("the same Idempotency-Key and body twice: one batch, the second answer replays the first", async () => {
  const first = await post(batchFile("once"), "order-42");
  expect(first.status).toBe(202);
  expect(await queuedMessages()).toBe(1);
  const second = await post(batchFile("once"), "order-42");
  expect(second.status).toBe(202);
  expect(second.jsonBody).toEqual(first.jsonBody);
  expect(second.headers["Idempotent-Replayed"]).toBe("true");
  expect(await queuedMessages()).toBe(1); // nothing queued again

  // Another key is another batch; no key is always a new batch.
  const other = await post(batchFile("once"), "order-43");
  expect(other.jsonBody.batchId).not.toBe(first.jsonBody.batchId);
  const keyless = [await post(batchFile("once")), await post(batchFile("once"))];
  expect(keyless[0]?.jsonBody.batchId).not.toBe(keyless[1]?.jsonBody.batchId);
});

test("the same key with another body is refused (422); an unusable key is a 400", async () => {
  const first = await post(batchFile("first body"), "reused-key");
  expect(first.status).toBe(202);
  const reused = await post(batchFile("second body"), "reused-key");
  expect(reused.status).toBe(422);
  expect(reused.jsonBody).toMatchObject({
    error: {
      code: "idempotency_key_reused",
      message: expect.stringContaining(`batch ${String(first.jsonBody.batchId)}`),
    },
  });
  for (const bad of ["", "x".repeat(256), "naïve"]) {
    const answer = await post(batchFile("bad key"), bad);
    expect(answer.status).toBe(400);
    expect(answer.jsonBody).toMatchObject({ error: { code: "invalid_idempotency_key" } });
  }
  expect(await queuedMessages()).toBe(1);
});

test("storage failing mid-create leaves no batch visible in progress; a retry with the key succeeds; the pruner removes the rest", async () => {
  const { storage, azurite } = fixture();
  const before = await recordedBatches();
  // The queue endpoint refuses connections: the record is written, the messages cannot be sent.
  const queueDown = connectStorage({
    connectionString: azurite.connectionString.replace(`:${azurite.queuePort}/`, ":1/"),
  });
  expect(queueDown.renderQueue.url).toContain(":1/");
  const brokenStorage = { ...storage, renderQueue: queueDown.renderQueue };
  const request = batchFile("retried");
  await expect(
    enqueueBatch(brokenStorage, request, { settings, idempotencyKey: "retry-me" }),
  ).rejects.toThrow(TransientStorageError);

  const halfMade = [...(await recordedBatches())].filter((id) => !before.has(id));
  expect(halfMade).toHaveLength(1);
  const abandoned = halfMade[0] as string;
  await expect(getBatchStatus(storage, abandoned, { settings })).rejects.toThrow(
    BatchNotFoundError,
  );

  const retried = await enqueueBatch(storage, request, { settings, idempotencyKey: "retry-me" });
  expect(retried.batchId).not.toBe(abandoned);
  expect(retried.replayed).toBeUndefined();
  expect(await getBatchStatus(storage, retried.batchId, { settings })).toMatchObject({
    state: "in_progress",
    pending: 2,
  });
  const again = await enqueueBatch(storage, request, { settings, idempotencyKey: "retry-me" });
  expect(again).toMatchObject({ batchId: retried.batchId, replayed: true });
  await drainQueue(storage, renderBatch);
  expect(await getBatchStatus(storage, retried.batchId, { settings })).toMatchObject({
    state: "succeeded",
  });

  // At the abandoned batch's creation deadline the pruner deletes it, pins included; the other stays.
  const deadline = new Date(Date.now() + (pipeline.creationDeadlineMinutes + 1) * 60_000);
  const report = await pruneExpiredBatches(storage, { limit: 100, now: deadline });
  expect(report.pruned.map((pruned) => pruned.batchId)).toEqual([abandoned]);
  expect(await recordedBatches()).not.toContain(abandoned);
  await expect(getBatchStatus(storage, retried.batchId, { settings })).resolves.toMatchObject({
    state: "succeeded",
  });
});

test("a request that failed after its batch was queued but before the commit: the retry finishes and replays it", async () => {
  const { storage } = fixture();
  const request = batchFile("commit later");
  const created = await enqueueBatch(storage, request, { settings, idempotencyKey: "late-commit" });
  // As if the commit (the record without creatingUntil) had not happened.
  const name = blobNames.batchRecord(created.batchId);
  const record = await readJsonBlob(storage.renders, name, batchRecordSchema);
  await writeJsonBlob(storage.renders, name, { ...record, creatingUntil: record?.expiresAt });
  await expect(getBatchStatus(storage, created.batchId, { settings })).rejects.toThrow(
    BatchNotFoundError,
  );
  const retried = await enqueueBatch(storage, request, { settings, idempotencyKey: "late-commit" });
  expect(retried).toMatchObject({ batchId: created.batchId, replayed: true });
  expect(await getBatchStatus(storage, created.batchId, { settings })).toMatchObject({
    state: "in_progress",
  });
  expect(await queuedMessages()).toBe(1);
});
