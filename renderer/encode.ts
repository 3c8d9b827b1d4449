// Encoding raw canvas pixels to PNG, JPEG, WebP or AVIF with libvips (sharp), off the main thread.
import sharp from "sharp";
import { defaultQuality } from "./spec/cost";
import type { ImageFormat } from "./spec/schema";

// One libvips thread per encode: concurrency comes from renders in flight, one per core.
sharp.concurrency(1);

export const contentTypes: Record<ImageFormat, string> = {
  png: "image/png",
  jpeg: "image/jpeg",
  webp: "image/webp",
  avif: "image/avif",
};

export const extensions: Record<ImageFormat, string> = {
  png: "png",
  jpeg: "jpg",
  webp: "webp",
  avif: "avif",
};

export { defaultQuality };

export interface EncodeOptions {
  format: ImageFormat;
  quality?: number | undefined;
  /** False when every pixel is opaque: the alpha channel is dropped (smaller, faster). */
  hasAlpha: boolean;
}

/**
 * Encodes straight-alpha RGBA. PNG uses zlib level 6 without adaptive filtering: on our undithered
 * gradients and flat areas this is ~4× faster than adaptive filtering and smaller (see README).
 */
export function encodePixels(
  pixels: Uint8Array,
  width: number,
  height: number,
  options: EncodeOptions,
): Promise<Buffer> {
  let image = sharp(pixels, { raw: { width, height, channels: 4, premultiplied: false } });
  if (!options.hasAlpha || options.format === "jpeg") {
    image = options.hasAlpha ? image.flatten({ background: "#ffffff" }) : image.removeAlpha();
  }
  switch (options.format) {
    case "png":
      return image.png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer();
    case "jpeg":
      return image
        .jpeg({
          quality: options.quality ?? defaultQuality.jpeg,
          chromaSubsampling: "4:4:4",
          mozjpeg: false,
        })
        .toBuffer();
    case "webp":
      return image
        .webp({ quality: options.quality ?? defaultQuality.webp, effort: 3, smartSubsample: true })
        .toBuffer();
    case "avif":
      // Effort 2 kept: effort 1 took ~40 % less CPU but gave ~5 % larger files, effort 0 ~65 % larger
      // (1200×630 standard card). The cost budget (spec/cost.ts), not the effort, bounds the time.
      return image.avif({ quality: options.quality ?? defaultQuality.avif, effort: 2 }).toBuffer();
  }
}
