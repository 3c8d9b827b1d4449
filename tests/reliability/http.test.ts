// The HTTP API under bad input through the real local HTTP server: every answer a 4xx with a JSON error, no 500, no stack.
import { request as httpRequest } from "node:http";
import type { HttpFunctionOptions } from "@azure/functions";
import type { ErrorBody } from "../../functions/host/httpErrors";
import { pipeline } from "../../settings";
import { triggers } from "../../functions/host/triggers";
import { limits } from "../../renderer/limits";
import { useLocalStack } from "../local/support/localStack";

const fixture = useLocalStack();

interface Answer {
  status: number;
  contentType: string | undefined;
  location: string | undefined;
  text: string;
}

/** What the body of the answer must never contain: stack frames, source files, local paths. */
const leak = /\n\s+at |\.[jt]s:\d+|\/work\/|node_modules|[A-Z]:\\/;

/** The Functions host's own body limit (100 MB): the local host never buffers that much. */
const hostLimit = 100 * 1024 * 1024;

function port(): number {
  return Number(new URL(fixture().stack.httpUrl).port);
}

/**
 * A raw request (fetch always adds a Content-Type for string bodies and cannot omit it):
 * `write` sends the body in as many pieces as it likes; the answer is read even if the server
 * stops reading the upload early.
 */
function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  write: (chunk: (bytes: Buffer) => Promise<void>) => Promise<void> = async () => {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      // A fresh connection per request: a refused upload closes its socket, which must not be reused.
      { host: "127.0.0.1", port: port(), path, method, headers, agent: false },
      (response) => {
        const parts: Buffer[] = [];
        response.on("data", (part: Buffer) => parts.push(part));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: response.headers["content-type"],
            location: response.headers.location,
            text: Buffer.concat(parts).toString(),
          }),
        );
      },
    );
    // Once the answer is in, a refused upload may fail to write: that is not the outcome.
    request.on("error", reject);
    const chunk = (bytes: Buffer) =>
      new Promise<void>((done) => {
        if (request.write(bytes)) done();
        else request.once("drain", () => done());
      });
    write(chunk).then(
      () => request.end(),
      (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))),
    );
  });
}

const postJson = (path: string, body: string, contentType = "application/json") =>
  send("POST", path, { "content-type": contentType }, (chunk) => chunk(Buffer.from(body)));

/** A 4xx JSON error answer without internals; returns its error object. */
function expectJsonError(answer: Answer, status: number, code: string): ErrorBody["error"] {
  expect(answer.status).toBe(status);
  expect(answer.contentType).toMatch(/^application\/json/);
  expect(answer.text).not.toMatch(leak);
  const body = JSON.parse(answer.text) as ErrorBody;
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error;
}

const card = { title: "Fine", size: { width: 300, height: 150 } };
const deep = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

describe("malformed bodies on POST /api/render and /api/batches", () => {
  const routes = ["/api/render", "/api/batches"];
  test.each([
    ["truncated JSON", '{"title": ', /JSON/],
    ["JSON with a trailing comma", '{"title": "x",}', /JSON/],
    ["single quotes", "{'title': 'x'}", /JSON/],
    ["an empty body", "", /empty body/],
    ["only whitespace", " \n\t ", /empty body/],
    ["invalid UTF-8", "\xff\xfe{", /JSON/],
  ])("%s is a 400 invalid_request saying why", async (_, body, reason) => {
    for (const route of routes) {
      const error = expectJsonError(await postJson(route, body), 400, "invalid_request");
      expect(error.message).toMatch(reason);
    }
  });

  test.each([
    ["text/plain", "{}"],
    ["application/x-www-form-urlencoded", "title=x"], // what curl -d sends
    ["multipart/form-data; boundary=x", "--x--"],
    ["application/jsonp", "{}"],
  ])("Content-Type %s is a 415 naming it", async (contentType, body) => {
    for (const route of routes) {
      const error = expectJsonError(
        await postJson(route, body, contentType),
        415,
        "invalid_request",
      );
      expect(error.message).toContain(contentType);
    }
  });

  test("a missing Content-Type is read as JSON (decided: lenient), and must still parse", async () => {
    const ok = await send("POST", "/api/render", {}, (chunk) =>
      chunk(Buffer.from(JSON.stringify(card))),
    );
    expect(ok.status).toBe(200);
    expect(ok.contentType).toBe("image/png");
    const bad = await send("POST", "/api/batches", {}, (chunk) => chunk(Buffer.from("title=x")));
    expectJsonError(bad, 400, "invalid_request");
    const none = await send("POST", "/api/batches", {});
    expectJsonError(none, 400, "invalid_request");
  });

  test("JSON with parameters or a +json suffix is accepted", async () => {
    expect(
      (await postJson("/api/render", JSON.stringify(card), "application/json; charset=utf-8"))
        .status,
    ).toBe(200);
    expect(
      (await postJson("/api/render", JSON.stringify(card), "application/vnd.cardpress+json"))
        .status,
    ).toBe(200);
  });

  test.each([
    ["an array", "[]", "array"],
    ["a string", '"card"', "string"],
    ["null", "null", "null"],
    ["a number", "42", "number"],
    ["a boolean", "true", "boolean"],
  ])("%s instead of an object is a 400 invalid_spec at the root", async (_, body, received) => {
    for (const route of routes) {
      const error = expectJsonError(await postJson(route, body), 400, "invalid_spec");
      expect(error.fields).toEqual([{ path: "", message: expect.stringContaining(received) }]);
    }
  });
});

describe("invalid specs name their fields", () => {
  test("POST /api/render: every bad field, with expected and received", async () => {
    const error = expectJsonError(
      await postJson(
        "/api/render",
        JSON.stringify({ title: 7, size: { width: 10, height: 1e9 }, format: "bmp", bogus: 1 }),
      ),
      400,
      "invalid_spec",
    );
    const paths = error.fields?.map((field) => field.path) ?? [];
    expect(paths).toEqual(expect.arrayContaining(["title", "size.width", "size.height", "format"]));
    expect(paths.some((path) => path.includes("bogus") || path === "")).toBe(true);
  });

  test("POST /api/batches: batch-level errors are a 400, item errors are listed in the 202", async () => {
    const level = expectJsonError(
      await postJson("/api/batches", JSON.stringify({ items: "x", defaults: [] })),
      400,
      "invalid_spec",
    );
    expect(level.fields?.map((field) => field.path).sort()).toEqual(["defaults", "items"]);

    const mixed = await postJson(
      "/api/batches",
      JSON.stringify({ items: [{ id: "ok", ...card }, null, { id: "bad", title: "" }] }),
    );
    expect(mixed.status).toBe(202);
    const body = JSON.parse(mixed.text) as {
      accepted: number;
      rejected: { index: number; error: { code: string; issues: { path: string }[] } }[];
    };
    expect(body.accepted).toBe(1);
    expect(body.rejected.map((item) => [item.index, item.error.code])).toEqual([
      [1, "invalid_spec"],
      [2, "invalid_spec"],
    ]);
    expect(body.rejected[1]?.error.issues.map((issue) => issue.path)).toEqual(["items[2].title"]);
  });

  test("deeply nested JSON (100,000 levels) is rejected by its field, not by a crash", async () => {
    const render = expectJsonError(
      await postJson("/api/render", `{"title":${deep(100_000)}}`),
      400,
      "invalid_spec",
    );
    expect(render.fields?.[0]?.path).toBe("title");
    const metadata = expectJsonError(
      await postJson("/api/batches", `{"metadata":{"a":${deep(100_000)}},"items":[]}`),
      400,
      "invalid_spec",
    );
    expect(metadata.fields?.map((field) => field.path)).toContain("metadata.a");
  });
});

describe("body size", () => {
  const limit = pipeline.maxRequestBytes;
  const padded = (size: number) => {
    const json = JSON.stringify(card);
    return Buffer.concat([Buffer.from(json), Buffer.alloc(size - json.length, 0x20)]);
  };

  test("exactly the limit is read; one byte over is a 413, declared or sent in chunks", async () => {
    expect(
      (
        await send("POST", "/api/render", { "content-type": "application/json" }, (chunk) =>
          chunk(padded(limit)),
        )
      ).status,
    ).toBe(200);
    const declared = await send(
      "POST",
      "/api/batches",
      { "content-type": "application/json", "content-length": String(limit + 1) },
      (chunk) => chunk(padded(limit + 1)),
    );
    expect(expectJsonError(declared, 413, "invalid_request").message).toContain(String(limit));
    // No Content-Length: chunked transfer encoding, so the size is known only after reading.
    const chunked = await send(
      "POST",
      "/api/render",
      { "content-type": "application/json" },
      async (chunk) => {
        const body = padded(limit + 1);
        for (let offset = 0; offset < body.length; offset += 64 * 1024) {
          await chunk(body.subarray(offset, offset + 64 * 1024));
        }
      },
    );
    expectJsonError(chunked, 413, "invalid_request");
  });

  test("a declared size over the route's limit is refused before any of it is read", async () => {
    const answer = await send("POST", "/api/batches", {
      "content-type": "application/json",
      "content-length": String(10 * hostLimit),
    });
    expect(expectJsonError(answer, 413, "invalid_request").message).toContain(String(limit));
  }, 10_000);

  test("a huge chunked upload (120 MB) gets a 413 naming the route's limit", async () => {
    const piece = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const answer = await send(
      "POST",
      "/api/batches",
      { "content-type": "application/json" },
      async (chunk) => {
        for (; sent < 120; sent += 1) await chunk(piece);
      },
    );
    expect(expectJsonError(answer, 413, "invalid_request").message).toContain(String(limit));
    expect(fixture().logs.filter((line) => line.startsWith("error"))).toEqual([]);
  }, 30_000);

  test("4 concurrent 95 MB uploads are refused at the limit + 1 byte: the server keeps almost nothing", async () => {
    const piece = Buffer.alloc(1024 * 1024, 0x20);
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    try {
      const answers = await Promise.all(
        ["/api/render", "/api/batches", "/api/render", "/api/batches"].map((path) =>
          send("POST", path, { "content-type": "application/json" }, async (chunk) => {
            for (let sent = 0; sent < 95; sent += 1) await chunk(piece);
          }),
        ),
      );
      for (const answer of answers) {
        expect(expectJsonError(answer, 413, "invalid_request").message).toContain(String(limit));
      }
    } finally {
      clearInterval(sampler);
    }
    // Buffering until 100 MB kept up to 4 × 95 MB (the issue measured 173 → 981 MiB); now each
    // upload holds at most 4 MiB + one socket read, and the bound leaves room for the test's own
    // allocations and the garbage collector.
    expect((peak - before) / (1024 * 1024)).toBeLessThan(4 * 4 + 64);
  }, 60_000);

  test("PUT /api/assets stops reading at the asset limit (10 MiB) + 1 byte", async () => {
    const assetLimit = limits.maxAssetBytes;
    const answer = await send(
      "PUT",
      "/api/assets/too-big.png",
      { "content-type": "image/png" },
      async (chunk) => {
        const piece = Buffer.alloc(1024 * 1024);
        for (let sent = 0; sent < 40; sent += 1) await chunk(piece);
      },
    );
    expect(expectJsonError(answer, 413, "invalid_request").message).toContain(String(assetLimit));
    const declared = await send("PUT", "/api/assets/too-big.png", {
      "content-type": "image/png",
      "content-length": String(assetLimit + 1),
    });
    expect(expectJsonError(declared, 413, "invalid_request").message).toContain(String(assetLimit));
  }, 30_000);
});

describe("Host header (Location and statusUrl come from the server, not the caller)", () => {
  const batch = JSON.stringify({ items: [{ id: "host-check", ...card }] });

  test("a foreign Host (evil.example) is refused and never echoed into a URL", async () => {
    const answer = await send(
      "POST",
      "/api/batches",
      { "content-type": "application/json", host: "evil.example" },
      (chunk) => chunk(Buffer.from(batch)),
    );
    expect(answer.text).not.toContain("evil.example/");
    expectJsonError(answer, 421, "misdirected_request");
  });

  test("an absolute-form target naming another host does not set the URL's host", async () => {
    const answer = await send(
      "POST",
      "http://evil.example/api/batches",
      { "content-type": "application/json" },
      (chunk) => chunk(Buffer.from(batch)),
    );
    expect(answer.status).toBe(202);
    const body = JSON.parse(answer.text) as { statusUrl: string };
    expect(new URL(body.statusUrl).host).toBe(`127.0.0.1:${port()}`);
    expect(answer.text).not.toContain("evil.example");
  });

  test("a loopback Host is kept (a forwarded port stays the client's) in Location and statusUrl", async () => {
    for (const host of [`localhost:${port()}`, "127.0.0.1:8080", "[::1]:7071", "LOCALHOST"]) {
      const answer = await send(
        "POST",
        "/api/batches",
        { "content-type": "application/json", host },
        (chunk) => chunk(Buffer.from(batch)),
      );
      expect(answer.status).toBe(202);
      const location = answer.location ?? "";
      expect(new URL(location).host).toBe(new URL(`http://${host.toLowerCase()}`).host);
      expect((JSON.parse(answer.text) as { statusUrl: string }).statusUrl).toBe(location);
    }
  });

  test.each([["a b"], ["[::1"], ["localhost:99999"], ["exa_mple.com:80"], ["a@b"], ["x:y"]])(
    "a malformed Host %j is a 400 invalid_request, not a 500",
    async (host) => {
      const error = expectJsonError(
        await send("POST", "/api/batches", { "content-type": "application/json", host }, (chunk) =>
          chunk(Buffer.from(batch)),
        ),
        400,
        "invalid_request",
      );
      expect(error.message).toContain("Host");
      expect(fixture().logs.filter((line) => line.startsWith("error"))).toEqual([]);
    },
  );
});

describe("batch ids", () => {
  test("an unknown well-formed id is a 404 batch_not_found naming it", async () => {
    const id = "20200101-000000-0123456789";
    const error = expectJsonError(
      await send("GET", `/api/batches/${id}`, {}),
      404,
      "batch_not_found",
    );
    expect(error.message).toContain(id);
  });

  test.each([
    ["a word", "abc"],
    ["a traversal", "..%2F..%2F_batch.json"],
    ["a container-looking path", "_expiry"],
    ["a long id", "2".repeat(5_000)],
    ["unicode", encodeURIComponent("20200101-000000-01234567é9")],
    ["upper-case hex", "20200101-000000-012345678A"],
  ])("%s is a 400 invalid_batch_id", async (_, id) => {
    const error = expectJsonError(
      await send("GET", `/api/batches/${id}`, {}),
      400,
      "invalid_batch_id",
    );
    expect(error.message).toContain("expected an id such as");
  });
});

describe("routes and methods (404 as the Functions host, with a JSON body locally)", () => {
  test.each([
    ["GET", "/api/render", "POST"],
    ["PUT", "/api/batches", "POST"],
    ["GET", "/api/batches", "POST"],
    ["DELETE", "/api/batches/20200101-000000-0123456789", "GET"],
    ["POST", "/api/batches/20200101-000000-0123456789", "GET"],
    ["POST", "/api/health", "GET"],
    ["PATCH", "/api/render", "POST"],
  ])("%s %s is a 404 naming the allowed method", async (method, path, allowed) => {
    const error = expectJsonError(await send(method, path, {}), 404, "not_found");
    expect(error.message).toContain(`use ${allowed}`);
  });

  test.each([
    "/",
    "/api",
    "/api/",
    "/api/nothing",
    "/render",
    "/api/batches/a/b",
    "/api/batches/%ZZ",
    "/favicon.ico",
  ])("unknown route %s is a 404 not_found", async (path) => {
    const error = expectJsonError(await send("GET", path, {}), 404, "not_found");
    expect(error.message).toContain("no function answers");
  });

  test("no bad request above made the host log an error (no 500 path taken)", () => {
    expect(fixture().logs.filter((line) => line.startsWith("error"))).toEqual([]);
  });
});

describe("function keys (the Azure configuration)", () => {
  test("every route but health and og is registered with authLevel function; health and og are anonymous", async () => {
    const registered = new Map<string, HttpFunctionOptions>();
    await jest.isolateModulesAsync(async () => {
      const functions = await import("@azure/functions");
      jest.spyOn(functions.app, "http").mockImplementation((name, options) => {
        registered.set(name, options);
      });
      await import("../../functions/renderCardHttp");
      await import("../../functions/createBatch");
      await import("../../functions/getBatch");
      await import("../../functions/putAsset");
      await import("../../functions/putTemplate");
      await import("../../functions/listTemplates");
      await import("../../functions/health");
      await import("../../functions/ogImage");
    });
    const httpTriggers = Object.entries(triggers).filter(([, trigger]) => trigger.kind === "http");
    expect([...registered.keys()].sort()).toEqual(httpTriggers.map(([name]) => name).sort());
    for (const [name, options] of registered) {
      expect([name, options.authLevel]).toEqual([
        name,
        // health, and signed card URLs: their signature is the authorization (docs/og-urls.md).
        name === "health" || name === "ogImage" ? "anonymous" : "function",
      ]);
      const trigger = triggers[name as keyof typeof triggers];
      expect(trigger.kind === "http" && options.route).toBe(
        trigger.kind === "http" && trigger.route,
      );
    }
  });
  // The deployed default function key is a Pulumi secret: tests/infra/program.test.ts,
  // "the default function key is a secret". Locally keys are not checked (docs/local.md).
});
