// A lone card where a batch is expected (`cardpress enqueue one.json`, POST /api/batches) is queued as a batch of one.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { HttpRequest, type HttpResponseInit } from "@azure/functions";
import { enqueueFile } from "../../cli/commands/enqueue";
import { createBatchHandler } from "../../functions/createBatch";
import type { ErrorBody } from "../../functions/host/httpErrors";
import { readBatchRecord } from "../../jobs/status";
import { handlerFor, useAzurite } from "../jobs/support/azurite";
import { newContext } from "../jobs/support/context";

const fixture = useAzurite();
const createBatch = handlerFor(fixture, createBatchHandler);

const postText = (text: string): Promise<HttpResponseInit> =>
  createBatch(
    new HttpRequest({
      method: "POST",
      url: "http://localhost:7071/api/batches",
      headers: { "content-type": "application/json" },
      body: { string: text },
    }),
    newContext("createBatch").context,
  );
const postBatch = (body: unknown) => postText(JSON.stringify(body));

describe("a lone card given as a batch", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-enqueue-card-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("cardpress enqueue queues it as one item named by its id", async () => {
    const file = path.join(dir, "one.json");
    fs.writeFileSync(
      file,
      JSON.stringify({ $schema: "./schema/card.schema.json", id: "launch", title: "Hi" }),
    );
    const result = await enqueueFile(fixture().storage, file);
    expect([result.total, result.accepted, result.rejected]).toEqual([1, 1, []]);
    const record = await readBatchRecord(fixture().storage, result.batchId);
    expect(record.items.map((item) => item.id)).toEqual(["launch"]);
  });

  it("cardpress enqueue names a card without an id after its file, as render does", async () => {
    const file = path.join(dir, "welcome-card.json");
    fs.writeFileSync(file, JSON.stringify({ title: "Hi" }));
    const result = await enqueueFile(fixture().storage, file);
    expect([result.total, result.accepted]).toEqual([1, 1]);
    const record = await readBatchRecord(fixture().storage, result.batchId);
    expect(record.items.map((item) => item.id)).toEqual(["welcome-card"]);
  });

  it("POST /api/batches accepts it too; a card without an id is named card", async () => {
    const response = await postBatch({ title: "Hi", format: "jpg" });
    expect(response.status).toBe(202);
    const batch = response.jsonBody as { batchId: string; total: number; accepted: number };
    expect([batch.total, batch.accepted]).toEqual([1, 1]);
    const record = await readBatchRecord(fixture().storage, batch.batchId);
    expect(record.items.map((item) => item.id)).toEqual(["card"]);
  });

  it("an invalid lone card is one rejected item whose errors use the card's own paths", async () => {
    const response = await postBatch({ id: "typo", titel: "Hi" });
    expect(response.status).toBe(202);
    const batch = response.jsonBody as {
      rejected: { id: string; error: { issues?: { path: string; message: string }[] } }[];
    };
    expect(batch.rejected.map((item) => [item.id, item.error.issues])).toEqual([
      [
        "typo",
        [
          { path: "title", message: "required field is missing (expected string)" },
          { path: "titel", message: 'unknown field; did you mean "title"?' },
        ],
      ],
    ]);
  });

  it("a body that is not JSON is answered with its line and column", async () => {
    const response = await postText('{\n  "title": "Hi",\n}');
    expect(response.status).toBe(400);
    expect((response.jsonBody as ErrorBody).error.message).toBe(
      'expected a JSON body; invalid JSON at line 3, column 1: expected a property name in double quotes, found "}" (a trailing comma is not allowed in JSON)',
    );
  });

  it("a card mixed with batch fields gets one sentence, not a wall of unknown fields", async () => {
    const response = await postBatch({ title: "Hi", metadata: { team: "docs" } });
    expect(response.status).toBe(400);
    const { error } = response.jsonBody as ErrorBody;
    expect(error.fields).toEqual([
      {
        path: "",
        message: expect.stringMatching(/^this is a card, not a batch: wrap it in "items"/),
      },
    ]);
  });
});
