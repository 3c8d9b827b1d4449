// Assets through the real local HTTP server and the CLI: binary PUT uploads, batches naming absent assets refused, the round trip.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { request as httpRequest } from "node:http";
import { connectionStringVariable } from "../../cli/connection";
import { renderToFiles } from "../../cli/commands/render";
import { exitCodes } from "../../cli/exitCodes";
import type { ErrorBody } from "../../functions/host/httpErrors";
import type { BatchStatus } from "../../jobs/status";
import { connectStorage, type JobStorage } from "../../jobs/storage";
import { limits } from "../../renderer/limits";
import { decodedSize, solidPng } from "../jobs/support/images";
import { eventually, fastHostConfig, runCli, useLocalStack } from "../local/support/localStack";
import { noisePng, pngDeclaring, solidJpeg, truncated } from "../functions/support/assetImages";

const fixture = useLocalStack({ hostConfig: fastHostConfig() });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-assets-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const storage = (): JobStorage =>
  connectStorage({ connectionString: fixture().stack.connectionString });

interface Answer {
  status: number;
  contentType: string | undefined;
  json: unknown;
}

/**
 * One raw request on a fresh connection. `pieces` are written one by one; with `declareLength`
 * the body carries a Content-Length, else it is sent chunked (no length known up front).
 */
function send(
  method: string,
  urlPath: string,
  headers: Record<string, string>,
  pieces: Buffer[] = [],
  declareLength = true,
): Promise<Answer> {
  const total = pieces.reduce((sum, piece) => sum + piece.length, 0);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: "127.0.0.1",
        port: Number(new URL(fixture().stack.httpUrl).port),
        path: urlPath,
        method,
        headers: { ...headers, ...(declareLength ? { "content-length": String(total) } : {}) },
        agent: false,
      },
      (response) => {
        const parts: Buffer[] = [];
        response.on("data", (part: Buffer) => parts.push(part));
        response.on("end", () => {
          const text = Buffer.concat(parts).toString();
          resolve({
            status: response.statusCode ?? 0,
            contentType: response.headers["content-type"],
            json: text ? (JSON.parse(text) as unknown) : undefined,
          });
        });
      },
    );
    request.on("error", reject);
    for (const piece of pieces) request.write(piece);
    request.end();
  });
}

const putAsset = (
  name: string,
  bytes: Buffer,
  contentType = "image/png",
  declareLength = true,
): Promise<Answer> =>
  send(
    "PUT",
    `/api/assets/${name}`,
    { "content-type": contentType },
    // In pieces, as a real upload arrives.
    Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) =>
      bytes.subarray(i * 65536, (i + 1) * 65536),
    ),
    declareLength,
  );

const postJson = (urlPath: string, body: unknown) =>
  send("POST", urlPath, { "content-type": "application/json" }, [
    Buffer.from(JSON.stringify(body)),
  ]);

function errorOf(answer: Answer, status: number, code: string): ErrorBody["error"] {
  expect(answer.status).toBe(status);
  expect(answer.contentType).toMatch(/^application\/json/);
  const { error } = answer.json as ErrorBody;
  expect(error.code).toBe(code);
  return error;
}

const storedNames = async (): Promise<string[]> => {
  const found: string[] = [];
  for await (const blob of storage().assets.listBlobsFlat()) found.push(blob.name);
  return found.sort();
};

describe("PUT /api/assets/{name} on the local server", () => {
  test("a binary PNG body is stored under a nested name: 201, then 200 unchanged", async () => {
    const png = await noisePng(300, 300); // a few hundred KB: several TCP chunks
    const first = await putAsset("brand/deep/logo.png", png);
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({
      name: "brand/deep/logo.png",
      status: "created",
      bytes: png.length,
      width: 300,
      height: 300,
    });
    const stored = await storage().assets.getBlobClient("brand/deep/logo.png").downloadToBuffer();
    expect(stored.equals(png)).toBe(true);
    const again = await putAsset("brand/deep/logo.png", png, "image/png", false);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ status: "unchanged" });
  });

  test("bad bodies, types and names are 4xx JSON errors, and nothing is stored", async () => {
    const before = await storedNames();
    const png = await noisePng(64, 64);
    errorOf(
      await putAsset("bad/a.png", Buffer.from("GIF89a but not really")),
      422,
      "invalid_asset",
    );
    errorOf(await putAsset("bad/b.png", truncated(await noisePng(200, 200))), 422, "invalid_asset");
    errorOf(await putAsset("bad/c.png", pngDeclaring(png, 30_000, 30_000)), 422, "invalid_asset");
    errorOf(
      await putAsset("bad/d.jpg", await solidJpeg(8, 8), "text/plain"),
      415,
      "invalid_request",
    );
    errorOf(await putAsset("..%2Fescape.png", png), 400, "invalid_asset_name");
    errorOf(await putAsset("bad%20name.png", png), 400, "invalid_asset_name");
    const over = Buffer.alloc(limits.maxAssetBytes + 1, 1);
    const declared = errorOf(await putAsset("bad/huge.png", over), 413, "invalid_request");
    expect(declared.message).toContain(`limit of ${limits.maxAssetBytes} bytes`);
    errorOf(await putAsset("bad/huge.png", over, "image/png", false), 413, "invalid_request");
    expect(await storedNames()).toEqual(before);
  });

  test("GET is not a method of the upload route", async () => {
    const answer = await send("GET", "/api/assets/brand/deep/logo.png", {});
    expect(errorOf(answer, 404, "not_found").message).toMatch(/use PUT/);
  });
});

describe("batches naming assets", () => {
  test("POST /api/batches naming absent assets is a 400 listing them", async () => {
    const answer = await postJson("/api/batches", {
      defaults: { size: { width: 300, height: 160 } },
      items: [
        { id: "a", title: "A", logo: "nowhere/logo.png" },
        { id: "b", title: "B", background: "nowhere/bg.jpg" },
      ],
    });
    const error = errorOf(answer, 400, "missing_assets");
    expect(error.missingAssets).toEqual(["nowhere/logo.png", "nowhere/bg.jpg"]);
    expect(error.fields?.map((field) => field.path)).toEqual([
      "items[0].logo",
      "items[1].background",
    ]);
  });

  test("round trip: PUT the asset, POST the batch, GET the status until done, fetch the image", async () => {
    expect((await putAsset("trip/logo.png", await solidPng(60, 60))).status).toBe(201);
    const created = await postJson("/api/batches", {
      defaults: { size: { width: 300, height: 160 }, logo: "trip/logo.png" },
      items: [
        { id: "one", title: "One" },
        { id: "two", title: "Two" },
      ],
    });
    expect(created.status).toBe(202);
    const { statusUrl } = created.json as { statusUrl: string };
    const done = await eventually(async () => {
      const answer = await send("GET", new URL(statusUrl).pathname, {});
      const status = answer.json as BatchStatus;
      return status.state === "in_progress" ? undefined : status;
    }, 60_000);
    expect(done).toMatchObject({ state: "succeeded", done: 2 });
    for (const item of done.items) {
      if (item.status !== "done") throw new Error(`${item.id} is ${item.status}`);
      const image = Buffer.from(await (await fetch(item.url as string)).arrayBuffer());
      expect(await decodedSize(image)).toEqual({ width: 300, height: 160 });
    }
  });

  test("cardpress enqueue naming an asset found neither next to it nor in storage exits 2 naming it", async () => {
    const dir = path.join(tmp, "project");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "here.png"), await solidPng(16, 16));
    const file = path.join(dir, "batch.json");
    fs.writeFileSync(
      file,
      JSON.stringify({
        defaults: { size: { width: 300, height: 160 } },
        items: [
          { id: "ok", title: "Ok", logo: "here.png" },
          { id: "lost", title: "Lost", logo: "img/lost.png" },
        ],
      }),
    );
    const queuedBefore = await storage().renderQueue.getProperties();
    const run = await runCli(["enqueue", file], {
      [connectionStringVariable]: fixture().stack.connectionString,
    });
    expect(run.exitCode).toBe(exitCodes.usage);
    expect(run.stderr).toContain(
      `"img/lost.png" (items[1].logo): no file ${path.join(dir, "img/lost.png")}, no blob in container "assets"`,
    );
    expect(run.stderr).toContain("nothing was queued");
    const queuedAfter = await storage().renderQueue.getProperties();
    expect(queuedAfter.approximateMessagesCount).toBe(queuedBefore.approximateMessagesCount);
  });

  test("cardpress enqueue refuses a broken local asset before uploading anything", async () => {
    const dir = path.join(tmp, "broken");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "fine.png"), await solidPng(16, 16));
    fs.writeFileSync(path.join(dir, "cut.png"), truncated(await noisePng(200, 200)));
    const file = path.join(dir, "batch.json");
    fs.writeFileSync(
      file,
      JSON.stringify({
        items: [
          { id: "a", title: "A", logo: "fine.png" },
          { id: "b", title: "B", logo: "cut.png" },
        ],
      }),
    );
    const run = await runCli(["enqueue", file], {
      [connectionStringVariable]: fixture().stack.connectionString,
    });
    expect(run.exitCode).toBe(exitCodes.usage);
    expect(run.stderr).toContain(
      `${path.join(dir, "cut.png")}: asset "cut.png": could not be decoded`,
    );
    expect(await storedNames()).not.toContain("fine.png");
  });
});

describe("a missing asset at render time says where it looked", () => {
  test("cardpress render: the item's path and the file looked for", async () => {
    const dir = path.join(tmp, "render");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "logo.png"), await solidPng(16, 16));
    const file = path.join(dir, "batch.json");
    fs.writeFileSync(
      file,
      JSON.stringify({
        defaults: { size: { width: 300, height: 160 } },
        items: [
          { id: "fine", title: "Fine", logo: "logo.png" },
          { id: "lost", title: "Lost", background: "img/gone.png" },
        ],
      }),
    );
    const results = await renderToFiles(file, { outDir: path.join(dir, "out"), concurrency: 1 });
    expect(results.map((result) => result.ok)).toEqual([true, false]);
    const [lost] = results.filter((result) => !result.ok);
    expect(lost).toEqual({
      id: "lost",
      ok: false,
      errors: [
        {
          path: "items[1].background",
          message: `items[1].background "img/gone.png": not found (no file ${path.join(dir, "img/gone.png")}; asset names resolve against ${dir}, change it with --assets <dir>)`,
        },
      ],
    });
  });
});
