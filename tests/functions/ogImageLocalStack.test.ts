// GET|HEAD /api/og/… through the local stack's real HTTP server (routes from functions/host/triggers.ts), with the stack's own key; the local dev key.
import { statSync } from "node:fs";
import { localSigningKey, localSigningKeyPath } from "../../local";
import { signCard } from "../../signing";
import { pngSize } from "../jobs/support/images";
import { fastHostConfig, useLocalStack } from "../local/support/localStack";

const fixture = useLocalStack({ hostConfig: fastHostConfig() });
const size = { width: 260, height: 136 };

test("a signed URL: rendered, then served from storage; HEAD, If-None-Match and a forged URL over real HTTP", async () => {
  const { stack } = fixture();
  const baseUrl = stack.httpUrl.replace(/\/api$/, "");
  const { url } = signCard({ title: "Served locally", size }, { key: stack.ogSigningKey, baseUrl });

  const first = await fetch(url);
  const bytes = Buffer.from(await first.arrayBuffer());
  expect(first.status).toBe(200);
  expect(pngSize(bytes)).toEqual(size);
  const etag = first.headers.get("etag");
  expect({
    type: first.headers.get("content-type"),
    length: first.headers.get("content-length"),
    cache: first.headers.get("cache-control"),
    source: first.headers.get("x-cardpress-cache"),
  }).toEqual({
    type: "image/png",
    length: String(bytes.length),
    cache: "public, max-age=31536000, immutable",
    source: "miss",
  });
  expect(etag).toMatch(/^"[0-9a-f]{64}"$/);

  const second = await fetch(url);
  expect(Buffer.from(await second.arrayBuffer()).equals(bytes)).toBe(true);
  expect([second.headers.get("x-cardpress-cache"), second.headers.get("etag")]).toEqual([
    "hit",
    etag,
  ]);

  const head = await fetch(url, { method: "HEAD" });
  expect([head.status, head.headers.get("content-length"), head.headers.get("etag")]).toEqual([
    200,
    String(bytes.length),
    etag,
  ]);
  expect((await head.arrayBuffer()).byteLength).toBe(0);

  const notModified = await fetch(url, { headers: { "if-none-match": etag ?? "" } });
  expect([notModified.status, notModified.headers.get("etag")]).toEqual([304, etag]);

  const forged = await fetch(url.replace("Served", "Forged"));
  expect(forged.status).toBe(403);
  expect(((await forged.json()) as { error: { code: string } }).error.code).toBe("bad_signature");
});

test("the dev key: created once beside the stack registry (mode 0600), the same on every later call", () => {
  const key = localSigningKey();
  expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(localSigningKey()).toBe(key);
  expect(statSync(localSigningKeyPath()).mode & 0o777).toBe(0o600);
});
