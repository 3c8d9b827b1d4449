// Caller-supplied images: bounded before decoding, and every bad one fails with a clear AssetError.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { AssetError } from "../../renderer/errors";
import { limits } from "../../renderer/limits";
import { renderCard } from "../../renderer/render";
import { parseCardSpec } from "../../renderer/spec/validate";
import { pngChunk } from "../support/pngChunk";

const logo = fs.readFileSync(path.join(__dirname, "..", "..", "examples", "assets", "logo.png"));

/** A tiny PNG whose header declares a huge image (a decompression bomb's shape). */
function bombPng(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", zlib.deflateSync(Buffer.alloc(1024))),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

async function renderWithLogo(bytes: Uint8Array | undefined): Promise<unknown> {
  const assets = new Map<string, Uint8Array>();
  if (bytes) assets.set("brand/logo.png", bytes);
  try {
    await renderCard(parseCardSpec({ title: "Asset", logo: "brand/logo.png" }), assets);
    return undefined;
  } catch (error) {
    return error;
  }
}

describe("image assets", () => {
  it("renders with a valid logo", async () => {
    expect(await renderWithLogo(logo)).toBeUndefined();
  });

  it.each([
    [
      "a missing asset",
      undefined,
      'logo "brand/logo.png": was not provided (no asset with that name)',
    ],
    [
      "a non-image",
      Buffer.from("<html>not an image</html>"),
      "is not an image (expected PNG, JPEG, WebP or GIF)",
    ],
    ["a truncated PNG", logo.subarray(0, Math.floor(logo.length / 2)), "could not be decoded"],
    [
      "a decompression bomb",
      bombPng(30_000, 30_000),
      "declares 30000×30000 pixels; the limit is 25,000,000 pixels",
    ],
    [
      "an oversized file",
      Buffer.alloc(limits.maxAssetBytes + 1),
      `the limit is ${limits.maxAssetBytes} bytes`,
    ],
  ])("rejects %s with a clear AssetError", async (_name, bytes, message) => {
    const error = await renderWithLogo(bytes);
    expect(error).toBeInstanceOf(AssetError);
    expect((error as AssetError).field).toBe("logo");
    expect((error as AssetError).message).toContain(message);
  });

  it("rejects an SVG (scripts and external references are not allowed in)", async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
    );
    const error = await renderWithLogo(svg);
    expect((error as AssetError).message).toMatch(
      /has format svg; expected PNG, JPEG, WebP or GIF/,
    );
  });
});
