// Templates over HTTP and through the pipeline: PUT/GET /api/templates, POST /api/render with a stored template, and batches pinning the version they were enqueued with.
import fs from "node:fs";
import path from "node:path";
import { HttpRequest, type HttpResponseInit } from "@azure/functions";
import { createBatchHandler } from "../../functions/createBatch";
import { listTemplatesHandler } from "../../functions/listTemplates";
import { putAssetHandler } from "../../functions/putAsset";
import { putTemplateHandler } from "../../functions/putTemplate";
import { renderBatchHandler } from "../../functions/renderBatch";
import { renderCardHttpHandler } from "../../functions/renderCardHttp";
import type { ErrorBody } from "../../functions/host/httpErrors";
import { renderSingleCard } from "../../functions/host/renderOne";
import { triggers } from "../../functions/host/triggers";
import { blobNames } from "../../jobs/layout";
import type { EnqueuedBatch } from "../../jobs/enqueue";
import { batchRecordSchema } from "../../jobs/protocol";
import type { PushedTemplate, TemplateListing } from "../../jobs/templates";
import { matchRoute } from "../../local/httpServer";
import { limits, parseCardSpec, parseTemplate, renderCard } from "../../renderer";
import { handlerFor, useAzurite } from "../jobs/support/azurite";
import { newContext } from "../jobs/support/context";
import sharp from "sharp";
import { pngSize } from "../jobs/support/images";
import { drainQueue, peekTexts } from "../jobs/support/queueHost";

const fixture = useAzurite();
const putTemplate = handlerFor(fixture, putTemplateHandler);
const listTemplatesHttp = handlerFor(fixture, listTemplatesHandler);
const putAsset = handlerFor(fixture, putAssetHandler);
const renderCardHttp = handlerFor(fixture, renderCardHttpHandler);
const createBatch = handlerFor(fixture, createBatchHandler);
const renderBatch = handlerFor(fixture, renderBatchHandler);

const base = "http://localhost:7071/api";
const size = { width: 320, height: 168 };
const fontFile = path.join(__dirname, "../fixtures/fonts/block.ttf");

/** A PNG of one colour (two avatars of other colours render different pixels). */
function solidPng(width: number, height: number, colour: string): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: colour } })
    .png()
    .toBuffer();
}

/**
 * A template with a brand font and an image param: `label` is drawn in the brand font, so two
 * versions differing only in it render different pixels.
 */
function cardTemplate(name: string | undefined, label: string, background = "#0f172a") {
  return {
    ...(name === undefined ? {} : { name }),
    description: "a label and a quote beside an avatar",
    size,
    fonts: [{ family: "Brand Block", src: "fonts/block.ttf", weight: 400 }],
    params: {
      quote: { type: "text", required: true },
      avatar: { type: "image", required: true },
    },
    root: {
      type: "stack",
      width: "100%",
      height: "100%",
      direction: "row",
      padding: 16,
      gap: 12,
      background,
      children: [
        { type: "image", src: "{{avatar}}", width: 64, height: 64, radius: 32 },
        {
          type: "stack",
          grow: 1,
          gap: 8,
          children: [
            {
              type: "text",
              text: label,
              color: "#f59e0b",
              font: { family: "Brand Block", size: 24 },
            },
            { type: "text", text: "{{quote}}", color: "#f8fafc", font: { size: [12, 20] } },
          ],
        },
      ],
    },
  };
}

function put(name: string, body: string, contentType = "application/json"): HttpRequest {
  return new HttpRequest({
    method: "PUT",
    url: `${base}/templates/${name}`,
    headers: { "content-type": contentType },
    body: { string: body },
    params: { name },
  });
}

function post(route: string, body: unknown): HttpRequest {
  return new HttpRequest({
    method: "POST",
    url: `${base}/${route}`,
    headers: { "content-type": "application/json" },
    body: { string: JSON.stringify(body) },
  });
}

const errorOf = (response: HttpResponseInit) => (response.jsonBody as ErrorBody).error;

async function pushOver(name: string, document: unknown): Promise<PushedTemplate> {
  const response = await putTemplate(put(name, JSON.stringify(document)), newContext("x").context);
  expect(response.status).toBeLessThan(300);
  return response.jsonBody as PushedTemplate;
}

async function uploadAsset(name: string, bytes: Buffer, contentType: string): Promise<number> {
  const request = new HttpRequest({
    method: "PUT",
    url: `${base}/assets/${name}`,
    headers: { "content-type": contentType },
    body: { bytes },
    params: { name },
  });
  const response = await putAsset(request, newContext("putAsset").context);
  return response.status ?? 200;
}

beforeAll(async () => {
  expect(await uploadAsset("fonts/block.ttf", fs.readFileSync(fontFile), "font/ttf")).toBe(201);
  expect(await uploadAsset("people/ada.png", await solidPng(64, 64, "#22c55e"), "image/png")).toBe(
    201,
  );
});

describe("PUT /api/assets/{name} takes brand fonts", () => {
  test("each font format is stored with its font/* type; a font that is not one, or mislabelled, is 422", async () => {
    for (const [file, type] of [
      ["block.otf", "font/otf"],
      ["block.woff", "font/woff"],
      ["block.woff2", "font/woff2"],
    ] as const) {
      const bytes = fs.readFileSync(path.join(__dirname, "../fixtures/fonts", file));
      expect([file, await uploadAsset(`fonts/${file}`, bytes, type)]).toEqual([file, 201]);
    }
    const png = await solidPng(8, 8, "#000000");
    expect(await uploadAsset("fonts/fake.ttf", png, "font/ttf")).toBe(422);
    const ttf = fs.readFileSync(fontFile);
    expect(await uploadAsset("fonts/mislabelled.woff2", ttf, "font/woff2")).toBe(422);
    expect(await uploadAsset("fonts/truncated.ttf", ttf.subarray(0, 200), "font/ttf")).toBe(422);
    const stored = fixture().storage.assets.getBlobClient("fonts/fake.ttf");
    expect(await stored.exists()).toBe(false);
  });
});

describe("PUT /api/templates/{name}", () => {
  test("stores a template: 201 with its name and content hash, then 200 unchanged", async () => {
    const document = cardTemplate("http/card", "ONE");
    const first = await putTemplate(
      put("http/card", JSON.stringify(document)),
      newContext("x").context,
    );
    expect(first.status).toBe(201);
    expect(first.jsonBody).toMatchObject({
      name: "http/card",
      hash: parseTemplate(document).hash,
      status: "created",
    });
    const again = await putTemplate(
      put("http/card", JSON.stringify(document)),
      newContext("x").context,
    );
    expect(again.status).toBe(200);
    expect(again.jsonBody).toMatchObject({ status: "unchanged" });
    const changed = await putTemplate(
      put("http/card", JSON.stringify(cardTemplate(undefined, "TWO"))),
      newContext("x").context,
    );
    expect(changed.status).toBe(200);
    expect(changed.jsonBody).toMatchObject({
      status: "updated",
      previousHash: parseTemplate(document).hash,
    });
  });

  test.each([
    [
      "an invalid template, naming each field",
      "http/bad",
      JSON.stringify({ ...cardTemplate("http/bad", "X"), root: { type: "stak" } }),
      400,
      "invalid_template",
    ],
    [
      "a name other than the route's",
      "http/route",
      JSON.stringify(cardTemplate("http/other", "X")),
      400,
      "invalid_template_name",
    ],
    [
      "a built-in's name",
      "classic",
      JSON.stringify(cardTemplate(undefined, "X")),
      400,
      "invalid_template_name",
    ],
    ["text that is not JSON", "http/nojson", "{ name: nope", 400, "invalid_request"],
  ])("refuses %s", async (_, name, body, status, code) => {
    const response = await putTemplate(put(name, body), newContext("x").context);
    expect(response.status).toBe(status);
    expect(errorOf(response).code).toBe(code);
    expect(JSON.stringify(response.jsonBody)).not.toMatch(/\n\s+at |\.ts:\d+/);
    if (code === "invalid_template") {
      expect(errorOf(response).fields?.map((field) => field.path)).toContain("root.type");
    }
  });

  test("a body over a template's size limit is 413, read no further", async () => {
    const huge = JSON.stringify({
      ...cardTemplate("http/huge", "X"),
      description: "x".repeat(limits.template.maxDocumentBytes),
    });
    const response = await putTemplate(put("http/huge", huge), newContext("x").context);
    expect(response.status).toBe(413);
  });

  test("the route is a catch-all with a function key, and the local host matches it", () => {
    expect(triggers.putTemplate).toMatchObject({
      methods: ["PUT"],
      authLevel: "function",
      maxBodyBytes: limits.template.maxDocumentBytes,
    });
    expect(triggers.listTemplates).toMatchObject({ methods: ["GET"], authLevel: "function" });
    expect(matchRoute(triggers.putTemplate.route, ["templates", "brand", "quote"])).toEqual({
      name: "brand/quote",
    });
    expect(matchRoute(triggers.listTemplates.route, ["templates"])).toEqual({});
  });
});

describe("GET /api/templates", () => {
  test("lists names with their current hash, description and params; ?prefix narrows it", async () => {
    const pushed = await pushOver("listed/card", cardTemplate("listed/card", "L"));
    const response = await listTemplatesHttp(
      new HttpRequest({ method: "GET", url: `${base}/templates?prefix=listed/` }),
      newContext("listTemplates").context,
    );
    expect(response.status).toBe(200);
    const listing = response.jsonBody as TemplateListing;
    expect(listing.templates).toEqual([
      {
        name: "listed/card",
        hash: pushed.hash,
        updatedAt: pushed.updatedAt,
        description: "a label and a quote beside an avatar",
        params: {
          quote: { type: "text", required: true },
          avatar: { type: "image", required: true },
        },
      },
    ]);
    expect(listing.truncated).toBe(false);
  });
});

describe("POST /api/render with a stored template", () => {
  test("renders the name's current version with its brand font and image param", async () => {
    await pushOver("render/card", cardTemplate("render/card", "HELLO"));
    const response = await renderCardHttp(
      post("render", {
        template: "render/card",
        size,
        params: { quote: "Shipped.", avatar: "people/ada.png" },
      }),
      newContext("renderCardHttp").context,
    );
    expect(response.status).toBe(200);
    expect(pngSize(response.body as Buffer)).toEqual(size);
  });

  test("an unknown template is 404 template_not_found with the names near it", async () => {
    const response = await renderCardHttp(
      post("render", { template: "render/crad", params: { quote: "x", avatar: "people/ada.png" } }),
      newContext("renderCardHttp").context,
    );
    expect(response.status).toBe(404);
    expect(errorOf(response)).toMatchObject({
      code: "template_not_found",
      suggestions: ["render/card"],
    });
  });

  test("a local template file is refused: only the CLI can read it", async () => {
    const response = await renderCardHttp(
      post("render", { template: "./templates/quote.json", params: { quote: "x" } }),
      newContext("renderCardHttp").context,
    );
    expect(response.status).toBe(400);
    expect(errorOf(response).fields?.[0]).toMatchObject({ path: "template" });
    expect(errorOf(response).message).toMatch(/resolve it with the CLI/);
    // Refused before storage is opened: an app without storage says the same.
    const unopened = renderSingleCard({ template: "./templates/quote.json" }, () =>
      Promise.reject(new Error("storage was opened")),
    );
    await expect(unopened).rejects.toThrow(/resolve it with the CLI/);
  });
});

describe("batches pin the template version they were enqueued with", () => {
  const card = (id: string) => ({
    id,
    template: "pinned/card",
    size,
    params: { quote: `Card ${id}`, avatar: "people/pinned.png" },
  });

  /** What the card renders with `document` and these asset bytes, straight through the renderer. */
  async function renderedWith(
    document: unknown,
    id: string,
    assets: Map<string, Uint8Array>,
  ): Promise<Buffer> {
    const template = parseTemplate(document);
    const spec = parseCardSpec({ ...card(id), templateVersion: template.hash });
    return (await renderCard(spec, assets, undefined, template)).bytes;
  }

  async function outputOf(batchId: string, id: string): Promise<Buffer> {
    return fixture()
      .storage.renders.getBlobClient(blobNames.output(batchId, id, "png"))
      .downloadToBuffer();
  }

  test("a template (and its font and image) replaced after enqueue changes nothing, on delivery or redelivery", async () => {
    const { storage } = fixture();
    const v1Document = cardTemplate("pinned/card", "VERSION ONE");
    const v1 = await pushOver("pinned/card", v1Document);
    const fontV1 = fs.readFileSync(fontFile);
    const avatarV1 = await solidPng(64, 64, "#22c55e");
    await uploadAsset("fonts/block.ttf", fontV1, "font/ttf");
    await uploadAsset("people/pinned.png", avatarV1, "image/png");

    const created = await createBatch(
      post("batches", { items: [card("p1"), card("p2")] }),
      newContext("createBatch").context,
    );
    expect(created.status).toBe(202);
    const batch = created.jsonBody as EnqueuedBatch;
    expect(batch).toMatchObject({ accepted: 2, rejected: [] });
    const queued = await peekTexts(storage.renderQueue);
    const message = queued.find((text) =>
      Buffer.from(text, "base64").toString("utf8").includes(batch.batchId),
    );
    expect(message).toBeDefined();
    expect(Buffer.from(message ?? "", "base64").toString("utf8")).toContain(
      `"templateVersion":"${v1.hash}"`,
    );
    const record = batchRecordSchema.parse(
      JSON.parse(
        (
          await storage.renders
            .getBlobClient(blobNames.batchRecord(batch.batchId))
            .downloadToBuffer()
        ).toString("utf8"),
      ),
    );
    // The template's font and the card's image param are pinned with the batch, like a logo.
    expect(Object.keys(record.assets ?? {}).sort()).toEqual([
      "fonts/block.ttf",
      "people/pinned.png",
    ]);

    // Everything the card uses changes before the worker gets the message.
    const v2Document = cardTemplate("pinned/card", "VERSION TWO", "#7c2d12");
    const v2 = await pushOver("pinned/card", v2Document);
    expect(v2.hash).not.toBe(v1.hash);
    await uploadAsset("people/pinned.png", await solidPng(64, 64, "#3b82f6"), "image/png");

    const report = await drainQueue(storage, renderBatch);
    expect(report).toMatchObject({ failed: 0, poisoned: 0 });
    const v1Assets = new Map<string, Uint8Array>([
      ["fonts/block.ttf", fontV1],
      ["people/pinned.png", avatarV1],
    ]);
    const expectedP1 = await renderedWith(v1Document, "p1", v1Assets);
    const withV2 = await renderedWith(v2Document, "p1", v1Assets);
    expect(withV2.equals(expectedP1)).toBe(false); // the versions do draw differently
    expect((await outputOf(batch.batchId, "p1")).equals(expectedP1)).toBe(true);
    expect(
      (await outputOf(batch.batchId, "p2")).equals(await renderedWith(v1Document, "p2", v1Assets)),
    ).toBe(true);

    // Re-rendered from scratch: the message delivered again after its outputs and result are gone.
    await storage.renders.getBlobClient(blobNames.output(batch.batchId, "p1", "png")).delete();
    await storage.renders.getBlobClient(blobNames.chunkResult(batch.batchId, 0)).delete();
    await storage.renderQueue.sendMessage(message ?? "");
    expect(await drainQueue(storage, renderBatch)).toMatchObject({ failed: 0, poisoned: 0 });
    expect((await outputOf(batch.batchId, "p1")).equals(expectedP1)).toBe(true);
  });

  test("cards whose template cannot be used are refused one by one, the rest queued", async () => {
    const { storage } = fixture();
    await uploadAsset("people/pinned.png", await solidPng(64, 64, "#22c55e"), "image/png");
    await pushOver("pinned/card", cardTemplate("pinned/card", "X"));
    const response = await createBatch(
      post("batches", {
        items: [
          card("ok"),
          { ...card("misspelt"), template: "pinned/crad" },
          { ...card("local"), template: "./templates/card.json" },
          { ...card("gone"), templateVersion: "0".repeat(64) },
          { ...card("noquote"), params: { avatar: "people/pinned.png" } },
        ],
      }),
      newContext("createBatch").context,
    );
    expect(response.status).toBe(202);
    const batch = response.jsonBody as EnqueuedBatch;
    expect(batch.accepted).toBe(1);
    const rejected = Object.fromEntries(batch.rejected.map((item) => [item.id, item.error]));
    expect(rejected.misspelt).toMatchObject({ code: "template_not_found" });
    expect(rejected.misspelt?.message).toMatch(/did you mean "pinned\/card"/);
    expect(rejected.local).toMatchObject({ code: "invalid_spec" });
    expect(rejected.local?.issues?.[0]).toMatchObject({ path: "items[2].template" });
    expect(rejected.local?.message).toMatch(/resolve it with the CLI/);
    expect(rejected.gone).toMatchObject({ code: "template_version_not_found" });
    expect(rejected.noquote).toMatchObject({ code: "invalid_spec" });
    expect(rejected.noquote?.issues?.[0]).toMatchObject({ path: "items[4].params.quote" });
    await drainQueue(storage, renderBatch);
  });

  test("a card that already carries templateVersion keeps it; a version of another template is refused", async () => {
    const { storage } = fixture();
    await uploadAsset("people/pinned.png", await solidPng(64, 64, "#22c55e"), "image/png");
    const older = await pushOver("pinned/kept", cardTemplate("pinned/kept", "OLDER"));
    const newer = await pushOver("pinned/kept", cardTemplate("pinned/kept", "NEWER"));
    const other = await pushOver("pinned/other", cardTemplate("pinned/other", "OTHER"));
    const response = await createBatch(
      post("batches", {
        items: [
          { ...card("older"), template: "pinned/kept", templateVersion: older.hash },
          { ...card("current"), template: "pinned/kept" },
          { ...card("foreign"), template: "pinned/kept", templateVersion: other.hash },
        ],
      }),
      newContext("createBatch").context,
    );
    const batch = response.jsonBody as EnqueuedBatch;
    expect(response.jsonBody).toMatchObject({ accepted: 2 });
    expect(batch.rejected[0]?.error.issues?.[0]).toMatchObject({
      path: "items[2].templateVersion",
      message: `version ${other.hash} is of the template "pinned/other", not "pinned/kept"`,
    });
    const queued = (await peekTexts(storage.renderQueue))
      .map((text) => Buffer.from(text, "base64").toString("utf8"))
      .find((text) => text.includes(batch.batchId));
    const chunk = JSON.parse(queued ?? "{}") as {
      items: { id: string; spec: { templateVersion?: string } }[];
    };
    expect(chunk.items.map((item) => [item.id, item.spec.templateVersion])).toEqual([
      ["older", older.hash],
      ["current", newer.hash],
    ]);
    await drainQueue(storage, renderBatch);
  });
});
