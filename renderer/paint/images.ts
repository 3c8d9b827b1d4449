// Decoding caller-supplied images (logo, background) with their size bounded before any pixel is decoded.
import { createHash } from "node:crypto";
import sharp, { type Metadata, type OutputInfo } from "sharp";
import type { CanvasEngine, DrawableImage } from "../engine/types";
import { AssetError } from "../errors";
import { limits } from "../limits";

/** What the worker accepts as an image input; the asset upload route checks the same list. */
export const acceptedAssetFormats = {
  png: "image/png",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
} as const;
export type AssetFormat = keyof typeof acceptedAssetFormats;

const isAcceptedFormat = (format: string | undefined): format is AssetFormat =>
  format !== undefined && Object.hasOwn(acceptedAssetFormats, format);

/** An image input's pixels, decoded: RGBA, oriented, with its source format. */
export interface DecodedAssetPixels {
  format: AssetFormat;
  data: Buffer;
  width: number;
  height: number;
}

/**
 * Checks bytes, format and declared pixel count before decoding, then decodes completely (a
 * truncated file fails here). The one validation of image inputs: the renderer and the asset
 * upload route both run it.
 */
export async function decodeAssetPixels(
  field: string,
  name: string,
  bytes: Uint8Array,
): Promise<DecodedAssetPixels> {
  if (bytes.byteLength > limits.maxAssetBytes) {
    throw new AssetError(
      field,
      name,
      `is ${bytes.byteLength} bytes; the limit is ${limits.maxAssetBytes} bytes`,
    );
  }
  let metadata: Metadata;
  try {
    // Reads only the header: dimensions are known before anything is decoded.
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw new AssetError(field, name, "is not an image (expected PNG, JPEG, WebP or GIF)");
  }
  const format = metadata.format;
  if (!isAcceptedFormat(format)) {
    throw new AssetError(
      field,
      name,
      `has format ${format ?? "unknown"}; expected PNG, JPEG, WebP or GIF`,
    );
  }
  const width = metadata.autoOrient?.width ?? metadata.width;
  const height = metadata.autoOrient?.height ?? metadata.height;
  if (!width || !height || width * height > limits.maxAssetPixels) {
    throw new AssetError(
      field,
      name,
      `declares ${width}×${height} pixels; the limit is ${limits.maxAssetPixels.toLocaleString("en-US")} pixels`,
    );
  }
  let raw: { data: Buffer; info: OutputInfo };
  try {
    raw = await sharp(bytes, {
      failOn: "truncated",
      limitInputPixels: limits.maxAssetPixels,
      animated: false,
    })
      .autoOrient()
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new AssetError(
      field,
      name,
      `could not be decoded (${(error as Error).message}); is the file complete?`,
    );
  }
  return { format, data: raw.data, width: raw.info.width, height: raw.info.height };
}

/** Decodes to a drawable, checking bytes, format and declared pixel count first. */
export async function decodeAsset(
  engine: CanvasEngine,
  field: string,
  name: string,
  bytes: Uint8Array,
): Promise<DrawableImage> {
  const raw = await decodeAssetPixels(field, name, bytes);
  const { canvas, context } = engine.createCanvas(raw.width, raw.height);
  const pixels = new Uint8ClampedArray(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength);
  context.putImageData(engine.createImageData(pixels, raw.width, raw.height), 0, 0);
  return canvas;
}

/** Keeps recently decoded images so a logo shared by a whole batch is decoded once. */
export class DecodedImageCache {
  private readonly entries = new Map<string, Promise<DrawableImage>>();

  constructor(
    private readonly engine: CanvasEngine,
    private readonly capacity = 16,
  ) {}

  get(field: string, name: string, bytes: Uint8Array): Promise<DrawableImage> {
    const key = createHash("sha1").update(bytes).digest("hex");
    const cached = this.entries.get(key);
    if (cached) {
      // Refresh its place: Map iteration order is insertion order.
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    const decoding = decodeAsset(this.engine, field, name, bytes);
    decoding.catch(() => this.entries.delete(key));
    this.entries.set(key, decoding);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return decoding;
  }
}
