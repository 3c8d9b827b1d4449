// Test helpers: render a spec and read its pixels back by decoding the encoded image.
import sharp from "sharp";
import { renderCard, type AssetBytes, type RenderedCard } from "../../renderer/render";
import type { CardSpecInput } from "../../renderer/spec/schema";
import { parseCardSpec } from "../../renderer/spec/validate";

export interface Pixels {
  data: Buffer;
  width: number;
  height: number;
  card: RenderedCard;
}

export async function renderPixels(input: CardSpecInput, assets?: AssetBytes): Promise<Pixels> {
  const card = await renderCard(parseCardSpec(input), assets);
  const { data, info } = await sharp(card.bytes)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, card };
}

export type Rgb = [number, number, number];

export function pixelAt(pixels: Pixels, x: number, y: number): Rgb {
  const offset = (y * pixels.width + x) * 3;
  return [pixels.data[offset] ?? 0, pixels.data[offset + 1] ?? 0, pixels.data[offset + 2] ?? 0];
}

export function hex(color: string): Rgb {
  const value = parseInt(color.replace("#", ""), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

export function distance(a: Rgb, b: Rgb): number {
  return Math.max(Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1]), Math.abs(a[2] - b[2]));
}

export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Pixels in a region that satisfy a test, with the horizontal extent of those pixels. */
export function scan(pixels: Pixels, region: Region, test: (pixel: Rgb) => boolean) {
  let count = 0;
  let minX = Infinity;
  let maxX = -Infinity;
  for (let y = region.y; y < region.y + region.height; y++) {
    for (let x = region.x; x < region.x + region.width; x++) {
      if (!test(pixelAt(pixels, x, y))) continue;
      count++;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
    }
  }
  return { count, minX, maxX };
}

/** Near-white pixels: title text on dark themes. */
export const isLight = (pixel: Rgb) => pixel[0] > 220 && pixel[1] > 220 && pixel[2] > 220;

/** Strongly coloured pixels (emoji, photos), as opposed to greys. */
export const isColourful = (pixel: Rgb) => Math.max(...pixel) - Math.min(...pixel) > 80;
