// The built-ins' "before" reference: its manifest of card specs, their assets, and a per-channel pixel diff.
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { z } from "zod";
import { drawCard } from "../../renderer/render";
import type { CardSpecInput } from "../../renderer/spec/schema";
import { parseCardSpec } from "../../renderer/spec/validate";
import { parseJsonDocument } from "../../support";

export const repoRoot = path.join(__dirname, "..", "..");
export const baselineDir = path.join(repoRoot, "tests", "fixtures", "builtins-before");
export const manifestPath = path.join(baselineDir, "manifest.json");

const manifestSchema = z.object({
  description: z.string(),
  renderedAt: z.string().describe("the commit whose code rendered the PNGs"),
  assetsDir: z.string().describe("asset names are relative to this folder (repo-relative)"),
  cards: z.array(
    z.object({
      id: z.string(),
      source: z.string(),
      spec: z.record(z.string(), z.unknown()),
    }),
  ),
});
export type BaselineManifest = z.infer<typeof manifestSchema>;

export function readManifest(): BaselineManifest {
  return parseJsonDocument(fs.readFileSync(manifestPath, "utf8"), manifestSchema, manifestPath);
}

/** Every asset the manifest's cards name, read from its assets folder. */
export function manifestAssets(manifest: BaselineManifest): Map<string, Uint8Array> {
  const assets = new Map<string, Uint8Array>();
  for (const card of manifest.cards) {
    for (const field of ["logo", "background"]) {
      const name = card.spec[field];
      if (typeof name === "string" && !assets.has(name)) {
        assets.set(name, fs.readFileSync(path.join(repoRoot, manifest.assetsDir, name)));
      }
    }
  }
  return assets;
}

export interface RgbaImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Renders a manifest card with the current code, as raw RGBA. */
export async function renderRgba(
  spec: Record<string, unknown>,
  assets: ReadonlyMap<string, Uint8Array>,
): Promise<RgbaImage> {
  const drawn = await drawCard(parseCardSpec(spec as CardSpecInput), assets);
  // As encodePixels does: an opaque card's alpha channel is dropped, not composited.
  if (!drawn.hasAlpha)
    for (let index = 3; index < drawn.pixels.length; index += 4) drawn.pixels[index] = 255;
  return { data: drawn.pixels, width: drawn.width, height: drawn.height };
}

export async function decodePng(file: string): Promise<RgbaImage> {
  const { data, info } = await sharp(file)
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

export async function encodePng(image: RgbaImage): Promise<Buffer> {
  return sharp(Buffer.from(image.data), {
    raw: { width: image.width, height: image.height, channels: 4 },
  })
    .png({ compressionLevel: 9 })
    .toBuffer();
}

export interface PixelDiff {
  /** Pixels where some channel differs by more than the tolerance. */
  differing: number;
  /** `differing` as a share of all pixels (0–1). */
  share: number;
  /**
   * Of those, the pixels with no match (within the tolerance) anywhere within `radius` px in the
   * other image, either way: what a shift of text by a pixel or two does not explain.
   */
  unmatched: number;
  /** `unmatched` as a share of all pixels (0–1). */
  unmatchedShare: number;
  /** The largest difference of any channel of any pixel (0–255). */
  maxDifference: number;
  /** Per pixel: its largest channel difference (0–255); 255 where unmatched. */
  map: Uint8Array;
}

// Hot loops (millions of pixels per card) use no globals such as Math: in Jest's sandbox every
// global lookup goes through the context's global object, which made a diff 70× slower.
function channelDistance(a: RgbaImage, ai: number, b: RgbaImage, bi: number): number {
  let largest = 0;
  for (let channel = 0; channel < 4; channel++) {
    let difference = (a.data[ai + channel] ?? 0) - (b.data[bi + channel] ?? 0);
    if (difference < 0) difference = -difference;
    if (difference > largest) largest = difference;
  }
  return largest;
}

/** Whether pixel (x, y) of `image` has a pixel within `radius` in `other` that is within `tolerance`. */
function matchedNearby(
  image: RgbaImage,
  other: RgbaImage,
  x: number,
  y: number,
  radius: number,
  tolerance: number,
): boolean {
  const index = (y * image.width + x) * 4;
  for (let dy = -radius; dy <= radius; dy++) {
    const ny = y + dy;
    if (ny < 0 || ny >= other.height) continue;
    for (let dx = -radius; dx <= radius; dx++) {
      const nx = x + dx;
      if (nx < 0 || nx >= other.width) continue;
      if (channelDistance(image, index, other, (ny * other.width + nx) * 4) <= tolerance)
        return true;
    }
  }
  return false;
}

/**
 * Compares two RGBA images channel by channel (sizes must match). A pixel beyond the tolerance is
 * "unmatched" when neither image finds it within `radius` px in the other.
 */
export function diffImages(
  before: RgbaImage,
  after: RgbaImage,
  tolerance: number,
  radius = 0,
  /** Stop looking for matches once this many pixels are unmatched (the verdict is known). */
  unmatchedLimit = Infinity,
): PixelDiff {
  if (before.width !== after.width || before.height !== after.height) {
    throw new Error(
      `sizes differ: before ${before.width}×${before.height}, after ${after.width}×${after.height}`,
    );
  }
  const pixels = before.width * before.height;
  const map = new Uint8Array(pixels);
  let differing = 0;
  let unmatched = 0;
  let maxDifference = 0;
  for (let index = 0; index < pixels; index++) {
    const largest = channelDistance(before, index * 4, after, index * 4);
    map[index] = largest;
    if (largest > maxDifference) maxDifference = largest;
    if (largest <= tolerance) continue;
    differing++;
    if (unmatched > unmatchedLimit) continue;
    const x = index % before.width;
    const y = (index - x) / before.width;
    if (
      !matchedNearby(after, before, x, y, radius, tolerance) ||
      !matchedNearby(before, after, x, y, radius, tolerance)
    ) {
      unmatched++;
      map[index] = 255;
    }
  }
  return {
    differing,
    share: differing / pixels,
    unmatched,
    unmatchedShare: unmatched / pixels,
    maxDifference,
    map,
  };
}
