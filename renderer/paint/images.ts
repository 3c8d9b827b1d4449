// Decoding caller-supplied images (logo, background) with their size bounded before any pixel is decoded.
import { createHash } from "node:crypto";
import sharp, { type Metadata, type OutputInfo, type Sharp } from "sharp";
import type { CanvasEngine, DrawableImage } from "../engine/types";
import { AssetError } from "../errors";
import { limits } from "../limits";
import { ByteBudgetCache } from "../../support";

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
  /** The image's own size (oriented), before any resampling to a drawn box. */
  sourceWidth: number;
  sourceHeight: number;
}

/**
 * The box a template draws an image into, in device pixels: "contain" shows the whole image inside
 * it, "cover" fills it and crops the overflow evenly from both sides.
 */
export interface DrawnBox {
  width: number;
  height: number;
  fit: "contain" | "cover";
  /**
   * Cover only: the point of the image (0–1) kept in view, centred where the edges allow
   * (template image nodes' `focus`); the default is the centre.
   */
  focus?: { x: number; y: number } | undefined;
}

/** A cover box's focus when it is not the centre (the centre crops as before). */
function offCentreFocus(box: DrawnBox | undefined): { x: number; y: number } | undefined {
  const focus = box?.fit === "cover" ? box.focus : undefined;
  return focus && (focus.x !== 0.5 || focus.y !== 0.5) ? focus : undefined;
}

/**
 * The resize to `size` that crops around `focus`: scaled to cover, then the `size` window centred
 * on the focus where the edges allow (as the template engine's coverSource draws it).
 */
function focusedCover(
  pipeline: Sharp,
  source: { width: number; height: number },
  size: { width: number; height: number },
  focus: { x: number; y: number },
): Sharp {
  const scale = Math.max(size.width / source.width, size.height / source.height);
  const width = Math.max(size.width, Math.round(source.width * scale));
  const height = Math.max(size.height, Math.round(source.height * scale));
  const place = (full: number, shown: number, at: number) =>
    Math.min(full - shown, Math.max(0, Math.round(at * full - shown / 2)));
  return pipeline.resize(width, height, { fit: "fill" }).extract({
    left: place(width, size.width, focus.x),
    top: place(height, size.height, focus.y),
    width: size.width,
    height: size.height,
  });
}

/**
 * The size to decode a `width` × `height` image at so that it holds no more pixels than drawing
 * it into `box` uses; undefined when the image is already that small (decoded as it is, so small
 * assets draw exactly as before). Cover is the centred part the box shows, at exactly the box's
 * size (drawImageCover then copies it without resampling).
 */
export function decodedSizeFor(
  width: number,
  height: number,
  box: DrawnBox,
): { width: number; height: number } | undefined {
  if (box.fit === "contain") {
    const scale = Math.min(box.width / width, box.height / height);
    if (scale >= 1) return undefined;
    return {
      width: Math.max(1, Math.round(width * scale)),
      height: Math.max(1, Math.round(height * scale)),
    };
  }
  // Cover is decoded at exactly the box, enlarged when the image is smaller: libvips resamples on
  // its own thread, and the template then copies it 1:1. Enlarging on the canvas instead (bicubic
  // over every output pixel) held the event loop 1.4 s for a 4096² photo card.
  if (width === box.width && height === box.height) return undefined;
  return { width: Math.max(1, box.width), height: Math.max(1, box.height) };
}

/** An image's format and oriented size, read from its header after its byte size is checked. */
async function readCheckedHeader(
  field: string,
  name: string,
  bytes: Uint8Array,
): Promise<{ format: AssetFormat; width: number; height: number }> {
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
  return { format, width, height };
}

/** Decodes completely (a truncated file fails), oriented, RGBA, resampled to `size` if given. */
async function decodeRaw(
  field: string,
  name: string,
  bytes: Uint8Array,
  size: { width: number; height: number } | undefined,
  focused?: { source: { width: number; height: number }; focus: { x: number; y: number } },
): Promise<{ data: Buffer; info: OutputInfo }> {
  try {
    let pipeline = sharp(bytes, {
      failOn: "truncated",
      limitInputPixels: limits.maxAssetPixels,
      animated: false,
    }).autoOrient();
    if (size && focused) {
      pipeline = focusedCover(pipeline, focused.source, size, focused.focus);
    } else if (size) {
      // Sizes are of the oriented image; "cover" crops the centre as drawImageCover does.
      pipeline = pipeline.resize(size.width, size.height, { fit: "cover", position: "centre" });
    }
    return await pipeline.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new AssetError(
      field,
      name,
      `could not be decoded (${(error as Error).message}); is the file complete?`,
    );
  }
}

/**
 * Checks bytes, format and declared pixel count before decoding, then decodes completely (a
 * truncated file fails here). The one validation of image inputs: the renderer and the asset
 * upload route both run it. With `box`, the pixels come out at most the size drawn into it
 * (decodedSizeFor): libvips resamples while it decodes, on its own thread, so a large asset never
 * exists as full-size pixels here.
 */
async function decodeAssetPixels(
  field: string,
  name: string,
  bytes: Uint8Array,
  box?: DrawnBox,
): Promise<DecodedAssetPixels> {
  const { format, width, height } = await readCheckedHeader(field, name, bytes);
  const size = box ? decodedSizeFor(width, height, box) : undefined;
  const focus = offCentreFocus(box);
  const focused = focus && { source: { width, height }, focus };
  const raw = await decodeRaw(field, name, bytes, size, focused);
  return {
    format,
    data: raw.data,
    width: raw.info.width,
    height: raw.info.height,
    sourceWidth: width,
    sourceHeight: height,
  };
}

/**
 * The same validation as decodeAssetPixels (a complete decode: a truncated file fails), keeping
 * one pixel instead of the whole image: what an upload check needs, without holding 95 MiB for a
 * 5000×5000 asset. Returns the format and the image's own size.
 */
export async function checkAssetImage(
  field: string,
  name: string,
  bytes: Uint8Array,
): Promise<{ format: AssetFormat; width: number; height: number }> {
  const decoded = await decodeAssetPixels(field, name, bytes, {
    width: 1,
    height: 1,
    fit: "contain",
  });
  return { format: decoded.format, width: decoded.sourceWidth, height: decoded.sourceHeight };
}

/** Decodes to a drawable at most the size drawn into `box`, checking bytes, format and declared pixel count first. */
async function decodeAsset(
  engine: CanvasEngine,
  field: string,
  name: string,
  bytes: Uint8Array,
  box?: DrawnBox,
): Promise<DrawableImage> {
  const raw = await decodeAssetPixels(field, name, bytes, box);
  const { canvas, context } = engine.createCanvas(raw.width, raw.height);
  const pixels = new Uint8ClampedArray(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength);
  context.putImageData(engine.createImageData(pixels, raw.width, raw.height), 0, 0);
  return canvas;
}

/** Native bytes of a decoded image or canvas: RGBA, 4 bytes a pixel. */
const pixelBytes = (image: { width: number; height: number }): number =>
  image.width * image.height * 4;

/**
 * Keeps recently decoded images so a logo shared by a whole batch is decoded once, within a byte
 * budget (limits.cacheBudgets.decodedImageBytes). Keyed by content and drawn box: the same asset
 * drawn at another size is another entry.
 */
export class DecodedImageCache {
  private readonly kept: ByteBudgetCache<DrawableImage>;
  /** Decodes in flight, shared by the cards that ask for the same image meanwhile. */
  private readonly decoding = new Map<string, Promise<DrawableImage>>();

  constructor(
    private readonly engine: CanvasEngine,
    budgetBytes: number = limits.cacheBudgets.decodedImageBytes,
  ) {
    this.kept = new ByteBudgetCache(budgetBytes);
  }

  get(field: string, name: string, bytes: Uint8Array, box?: DrawnBox): Promise<DrawableImage> {
    const digest = createHash("sha1").update(bytes).digest("hex");
    const focus = offCentreFocus(box);
    const at = focus ? `@${focus.x},${focus.y}` : "";
    const key = box ? `${digest}:${box.fit}:${box.width}x${box.height}${at}` : digest;
    const kept = this.kept.get(key);
    if (kept) return Promise.resolve(kept);
    const pending = this.decoding.get(key);
    if (pending) return pending;
    const decoding = decodeAsset(this.engine, field, name, bytes, box);
    this.decoding.set(key, decoding);
    decoding.then(
      (image) => {
        this.decoding.delete(key);
        this.kept.set(key, image, pixelBytes(image));
      },
      () => this.decoding.delete(key),
    );
    return decoding;
  }

  /** Bytes accounted to the images kept now (never above the budget). */
  get bytes(): number {
    return this.kept.bytes;
  }

  get size(): number {
    return this.kept.size;
  }
}
