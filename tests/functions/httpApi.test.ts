// The HTTP functions through their handlers: images out, JSON errors naming the fields, 4xx vs 5xx, health.
import { HttpRequest, type HttpResponseInit } from "@azure/functions";
import { createBatchHandler } from "../../functions/createBatch";
import { getBatchHandler } from "../../functions/getBatch";
import { healthHandler } from "../../functions/health";
import { renderCardHttpHandler } from "../../functions/renderCardHttp";
import { connectionStringFor } from "../../local/azurite";
import type { ErrorBody } from "../../functions/host/httpErrors";
import { names } from "../../settings";
import { handlerFor, useAzurite } from "../jobs/support/azurite";
import { newContext } from "../jobs/support/context";
import { pngSize, smallSize, solidPng } from "../jobs/support/images";

const fixture = useAzurite();
const createBatch = handlerFor(fixture, createBatchHandler);
const getBatch = handlerFor(fixture, getBatchHandler);
const health = handlerFor(fixture, healthHandler);
const renderCardHttp = handlerFor(fixture, renderCardHttpHandler);

function post(path: string, body: string, contentType = "application/json"): HttpRequest {
  return new HttpRequest({
    method: "POST",
    url: `http://localhost:7071${path}`,
    headers: { "content-type": contentType },
    body: { string: body },
  });
}

const errorOf = (response: HttpResponseInit) => (response.jsonBody as ErrorBody).error;

function expectNoStack(response: HttpResponseInit): void {
  expect(JSON.stringify(response.jsonBody)).not.toMatch(/\n\s+at |\.ts:\d+/);
}

describe("POST /api/render", () => {
  test("answers one card as PNG bytes", async () => {
    const response = await renderCardHttp(
      post("/api/render", JSON.stringify({ title: "Hello", size: smallSize })),
      newContext("renderCardHttp").context,
    );
    expect(response.status).toBe(200);
    expect((response.headers as Record<string, string>)["Content-Type"]).toBe("image/png");
    expect(pngSize(response.body as Buffer)).toEqual(smallSize);
  });

  test("loads a named asset from the assets container", async () => {
    await fixture()
      .storage.assets.getBlockBlobClient("brand/mark.png")
      .uploadData(await solidPng(48, 48));
    const response = await renderCardHttp(
      post(
        "/api/render",
        JSON.stringify({ title: "Logo", size: smallSize, logo: "brand/mark.png" }),
      ),
      newContext("renderCardHttp").context,
    );
    expect(response.status).toBe(200);
  });

  test.each([
    ["an invalid spec", JSON.stringify({ title: "", size: "huge" }), 400, "invalid_spec"],
    ["a batch file", JSON.stringify({ items: [{ id: "a", title: "x" }] }), 400, "invalid_request"],
    ["text that is not JSON", "{title: nope", 400, "invalid_request"],
    ["a missing asset", JSON.stringify({ title: "x", logo: "brand/absent.png" }), 422, "asset"],
  ])("rejects %s with a JSON error", async (_, body, status, code) => {
    const response = await renderCardHttp(post("/api/render", body), newContext("x").context);
    expect(response.status).toBe(status);
    expect(errorOf(response).code).toBe(code);
    expectNoStack(response);
  });

  test("names every bad field", async () => {
    const response = await renderCardHttp(
      post("/api/render", JSON.stringify({ title: "", size: "huge", colour: "red" })),
      newContext("x").context,
    );
    expect(
      errorOf(response)
        .fields?.map((field) => field.path)
        .sort(),
    ).toEqual(["colour", "size", "title"].sort());
  });

  test("rejects a body that is not JSON by content type", async () => {
    const response = await renderCardHttp(
      post("/api/render", "title=x", "application/x-www-form-urlencoded"),
      newContext("x").context,
    );
    expect(response.status).toBe(415);
  });
});

describe("batches", () => {
  test("a batch file with batch-level problems is a 400 naming them", async () => {
    const response = await createBatch(
      post("/api/batches", JSON.stringify({ items: [], extra: 1 })),
      newContext("createBatch").context,
    );
    expect(response.status).toBe(400);
    expect(
      errorOf(response)
        .fields?.map((field) => field.path)
        .sort(),
    ).toEqual(["extra", "items"]);
  });

  test("an unknown batch is a 404, a malformed id a 400", async () => {
    const get = (id: string) =>
      getBatch(
        new HttpRequest({
          method: "GET",
          url: `http://localhost:7071/api/batches/${id}`,
          params: { id },
        }),
        newContext("getBatch").context,
      );
    const unknown = await get("20200101-000000-0123456789");
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown).code).toBe("batch_not_found");
    const malformed = await get("..%2F..%2Fsecrets");
    expect(malformed.status).toBe(400);
    expect(errorOf(malformed).message).toContain("expected an id such as");
  });
});

describe("GET /api/health", () => {
  test("is 200 when storage answers", async () => {
    const response = await health(
      new HttpRequest({ method: "GET", url: "http://localhost:7071/api/health" }),
      newContext("health").context,
    );
    expect(response.status).toBe(200);
    expect(response.jsonBody).toMatchObject({ status: "ok" });
  });

  test("reports how long the event loop was blocked, so a stall is told apart from slow storage", async () => {
    const blockedMs = 300;
    // The monitor samples on a timer: it sees a block only once the loop turns after it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const until = performance.now() + blockedMs;
    while (performance.now() < until) {
      // a synchronous stall, as a long draw would be
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const response = await health(
      new HttpRequest({ method: "GET", url: "http://localhost:7071/api/health" }),
      newContext("health").context,
    );
    const report = (response.jsonBody as { eventLoop: Record<string, number> }).eventLoop;
    expect(Math.max(report.currentMaxMs ?? 0, report.previousMaxMs ?? 0)).toBeGreaterThanOrEqual(
      blockedMs * 0.9,
    );
    expect(report.worstMs).toBeGreaterThanOrEqual(blockedMs * 0.9);
    expect(report.windowSeconds).toBeGreaterThan(0);
  });

  test("is 503 when storage does not answer, and other functions answer 503 too", async () => {
    // The app's settings point at a port nothing listens on (9).
    const unreachable = { [names.connectionSetting]: connectionStringFor(9, 9) };
    const health = healthHandler(unreachable);
    const createBatch = createBatchHandler(unreachable);
    const response = await health(
      new HttpRequest({ method: "GET", url: "http://localhost:7071/api/health" }),
      newContext("health").context,
    );
    expect(response.status).toBe(503);
    expect(response.jsonBody).toMatchObject({ status: "unavailable" });
    const created = await createBatch(
      post("/api/batches", JSON.stringify({ items: [{ id: "a", title: "x" }] })),
      newContext("createBatch").context,
    );
    expect(created.status).toBe(503);
    expect(errorOf(created).code).toBe("storage_unavailable");
    expectNoStack(created);
  });
});
