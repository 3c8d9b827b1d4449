// The job protocol without storage: message encoding and versions, chunking and claim checks, layout, SAS rules.
import { planChunks } from "../../jobs/enqueue";
import { UndecodableMessageError } from "../../jobs/errors";
import { toHttpError } from "../../functions/host/httpErrors";
import { blobNames, createBatchId, isBatchId, parseExpiryMarker } from "../../jobs/layout";
import { decodeChunkMessage, encodeQueueMessage, type ChunkMessage } from "../../jobs/protocol";
import { createReadUrlSigner, sasWindow } from "../../jobs/sas";
import { maxQueueMessageBytes, pipeline, protocolVersion, readSettings } from "../../settings";
import { specHash } from "../../jobs/specHash";
import { connectStorage } from "../../jobs/storage";
import { SpecValidationError } from "../../renderer/errors";

const message: ChunkMessage = {
  v: protocolVersion,
  type: "chunk",
  batchId: "20261123-120000-0123456789",
  chunk: 3,
  items: [{ index: 0, id: "a", spec: { title: "A" } }],
};

describe("queue messages", () => {
  test("are base64 JSON and decode from every form the trigger may deliver", () => {
    const text = encodeQueueMessage(message);
    expect(text).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const json = Buffer.from(text, "base64").toString("utf8");
    expect(decodeChunkMessage(text)).toEqual(message); // base64 text
    expect(decodeChunkMessage(json)).toEqual(message); // decoded text
    expect(decodeChunkMessage(JSON.parse(json))).toEqual(message); // parsed by the host
    expect(decodeChunkMessage(Buffer.from(json))).toEqual(message); // bytes
  });

  test.each([
    ["not JSON", "hello there", "expected JSON"],
    ["another version", { ...message, v: 2 }, "schema version 2 is not supported"],
    ["no version", { type: "chunk" }, "schema version undefined"],
    ["a wrong shape", { v: protocolVersion, type: "chunk", batchId: "b" }, "not a chunk message"],
    ["an array", [1, 2], "expected a JSON object"],
  ])("reject %s with a reason", (_, raw, reason) => {
    expect(() => decodeChunkMessage(raw)).toThrow(UndecodableMessageError);
    expect(() => decodeChunkMessage(raw)).toThrow(reason);
  });
});

describe("chunking", () => {
  const items = (count: number, text = "x") =>
    Array.from({ length: count }, (_, index) => ({
      index,
      id: `i${index}`,
      spec: { title: text },
    }));

  test("splits accepted cards by chunk size, keeping order", () => {
    const chunks = planChunks(message.batchId, items(7), 3);
    expect(chunks.map((chunk) => chunk.inline.items.map((item) => item.index))).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [6],
    ]);
    expect(chunks.every((chunk) => chunk.claimCheck === undefined)).toBe(true);
  });

  test("a chunk whose encoded message exceeds 64 KiB becomes a small reference", () => {
    const [big] = planChunks(message.batchId, items(60, "y".repeat(1000)), 60);
    expect(Buffer.byteLength(encodeQueueMessage(big!.inline))).toBeGreaterThan(
      maxQueueMessageBytes,
    );
    expect(big?.claimCheck).toBe(blobNames.claimCheck(message.batchId, 0));
    expect(decodeChunkMessage(big?.queueText)).toEqual({
      v: protocolVersion,
      type: "chunk-ref",
      batchId: message.batchId,
      chunk: 0,
      blob: `${message.batchId}/0000.json`,
    });
  });
});

describe("layout", () => {
  test("batch ids carry their creation time and are validated", () => {
    const id = createBatchId(new Date("2026-11-23T12:34:56.789Z"));
    expect(id).toMatch(/^20261123-123456-[0-9a-f]{10}$/);
    expect(isBatchId(id)).toBe(true);
    expect(isBatchId("../x")).toBe(false);
  });

  test("expiry markers sort by expiry time and parse back", () => {
    const early = blobNames.expiryMarker(
      new Date("2026-01-02T00:00:00Z"),
      "20260101-000000-aaaaaaaaaa",
    );
    const late = blobNames.expiryMarker(
      new Date("2026-10-02T00:00:00Z"),
      "20250101-000000-bbbbbbbbbb",
    );
    expect([late, early].sort()).toEqual([early, late]);
    expect(parseExpiryMarker(early)?.batchId).toBe("20260101-000000-aaaaaaaaaa");
    expect(parseExpiryMarker("_expiry/garbage/x")).toBeUndefined();
  });

  test("a spec hash ignores key order", () => {
    expect(specHash({ a: 1, b: { c: 2, d: 3 } })).toBe(specHash({ b: { d: 3, c: 2 }, a: 1 }));
    expect(specHash({ a: 1 })).not.toBe(specHash({ a: 2 }));
  });
});

describe("SAS URLs", () => {
  const now = new Date("2026-11-23T12:00:00Z");

  test("start back-dated for clock skew and expire after SAS_TTL_MINUTES", () => {
    const window = sasWindow(readSettings({ SAS_TTL_MINUTES: "90" }), now);
    expect(now.getTime() - window.startsOn.getTime()).toBe(pipeline.sasClockSkewMinutes * 60_000);
    expect(window.expiresOn.getTime() - now.getTime()).toBe(90 * 60_000);
  });

  test("a lifetime over 7 days is refused as a setting", () => {
    expect(() => readSettings({ SAS_TTL_MINUTES: String(7 * 24 * 60 + 1) })).toThrow(
      "SAS_TTL_MINUTES",
    );
  });

  test("against Azure: read-only, one blob, HTTPS only", async () => {
    const storage = connectStorage({
      connectionString:
        "DefaultEndpointsProtocol=https;AccountName=cardpresstest;AccountKey=a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U=;EndpointSuffix=core.windows.net",
    });
    expect(storage.isEmulator).toBe(false);
    const sign = await createReadUrlSigner(storage, readSettings({}), now);
    const url = new URL(await sign("20261123-120000-0123456789/a.png"));
    expect(url.protocol).toBe("https:");
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      sp: "r",
      sr: "b",
      spr: "https",
      st: "2026-11-23T11:55:00Z",
      se: "2026-11-23T13:00:00Z",
    });
  });
});

describe("HTTP errors", () => {
  test("caller mistakes are 4xx with fields, our faults 5xx without details", () => {
    const invalid = toHttpError(new SpecValidationError([{ path: "title", message: "m" }]), "id");
    expect(invalid).toMatchObject({ status: 400, ours: false });
    expect(invalid.body.error.fields).toEqual([{ path: "title", message: "m" }]);
    const bug = toHttpError(new TypeError("x is undefined at foo.ts:3"), "inv-1");
    expect(bug).toMatchObject({ status: 500, ours: true });
    expect(bug.body.error.message).toBe("internal error (invocation inv-1)");
  });
});
