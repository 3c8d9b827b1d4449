// The estimated time to render a card (draw + encode), from its output pixels, format and quality: what budgets and deadlines are made of.
import type { CardSpec, ImageFormat } from "./schema";
import { sizePresets } from "./sizes";

/** Quality used when a spec gives none (encode.ts encodes with these; png has no quality). */
export const defaultQuality: Readonly<Record<Exclude<ImageFormat, "png">, number>> = {
  jpeg: 88,
  webp: 88,
  avif: 62,
};

/**
 * Cost of one card in ms of CPU on one reference core, calibrated with `npm run bench:cost`; why
 * CPU time, the measured grid, and why text is not a term: docs/reliability.md, "Cost limits".
 */
interface FormatCost {
  /** Per card whatever its size: encoder set-up, scene, text layout. */
  fixedMs: number;
  /** Per output megapixel at default quality: draw + readback + encode. */
  msPerMegapixel: number;
  /**
   * Multiplier by quality, linear between points; below the first point it is the first's (lower
   * qualities measured no faster), above the last the last's.
   */
  qualityFactor: readonly (readonly [quality: number, factor: number])[];
}

/**
 * AVIF is encoded at effort 2 (renderer/encode.ts); its cost grows steeply near quality 100
 * (×2.8–3.2 measured), WebP's and JPEG's hardly.
 */
const formatCosts: Readonly<Record<ImageFormat, FormatCost>> = {
  png: { fixedMs: 20, msPerMegapixel: 65, qualityFactor: [] },
  jpeg: {
    fixedMs: 15,
    msPerMegapixel: 60,
    qualityFactor: [
      [88, 1],
      [100, 1.2],
    ],
  },
  webp: {
    fixedMs: 30,
    msPerMegapixel: 290,
    qualityFactor: [
      [88, 1],
      [100, 1.1],
    ],
  },
  avif: {
    fixedMs: 180,
    msPerMegapixel: 345,
    qualityFactor: [
      [62, 1],
      [80, 1.1],
      [90, 1.2],
      [95, 1.45],
      [100, 3],
    ],
  },
};

/** The fields a card's cost depends on. */
export type CostFields = Pick<CardSpec, "size" | "scale" | "format" | "quality">;

export function outputSize(spec: Pick<CardSpec, "size" | "scale">): {
  width: number;
  height: number;
} {
  const { width, height } = typeof spec.size === "string" ? sizePresets[spec.size] : spec.size;
  return { width: Math.round(width * spec.scale), height: Math.round(height * spec.scale) };
}

/** The quality the encoder will use (png: undefined). */
export function effectiveQuality(spec: Pick<CardSpec, "format" | "quality">): number | undefined {
  return spec.format === "png" ? undefined : (spec.quality ?? defaultQuality[spec.format]);
}

function qualityFactor(format: ImageFormat, quality: number | undefined): number {
  const points = formatCosts[format].qualityFactor;
  let previous = points[0];
  if (quality === undefined || !previous) return 1;
  if (quality <= previous[0]) return previous[1];
  for (const point of points) {
    if (quality <= point[0]) {
      const share = (quality - previous[0]) / (point[0] - previous[0]);
      return previous[1] + share * (point[1] - previous[1]);
    }
    previous = point;
  }
  return previous[1];
}

/** Estimated milliseconds of one reference core to draw and encode `spec` (see formatCosts). */
export function estimateRenderMs(spec: CostFields): number {
  const { width, height } = outputSize(spec);
  const cost = formatCosts[spec.format];
  const megapixels = (width * height) / 1e6;
  const ms =
    (cost.fixedMs + megapixels * cost.msPerMegapixel) *
    qualityFactor(spec.format, effectiveQuality(spec));
  return Math.round(ms);
}

/** Seconds as people read them: "~18 s", "~0.4 s". */
export function describeMs(ms: number): string {
  const seconds = ms / 1000;
  const shown =
    seconds >= 10
      ? Math.round(seconds).toLocaleString("en-US")
      : String(Number(seconds.toPrecision(2)));
  return `~${shown} s`;
}

/** What would bring a card within `budgetMs`: changes to one field at a time. */
export interface CostAdvice {
  /** Highest quality that fits at this size and format (absent for png, or when none fits). */
  quality?: number;
  /** Largest scale (two decimals) that fits with this size, format and quality, when above 1. */
  scale?: number;
  /** Other formats that fit at this size (at their default quality). */
  formats: ImageFormat[];
}

export function adviseWithin(spec: CostFields, budgetMs: number): CostAdvice {
  const advice: CostAdvice = { formats: [] };
  if (spec.format !== "png") {
    for (let quality = effectiveQuality(spec) ?? 100; quality >= 1; quality--) {
      if (estimateRenderMs({ ...spec, quality }) <= budgetMs) {
        advice.quality = quality;
        break;
      }
    }
  }
  for (let scale = Math.floor(spec.scale * 100) / 100; scale > 1; scale -= 0.01) {
    const rounded = Math.round(scale * 100) / 100;
    if (estimateRenderMs({ ...spec, scale: rounded }) <= budgetMs) {
      advice.scale = rounded;
      break;
    }
  }
  for (const format of Object.keys(formatCosts) as ImageFormat[]) {
    if (
      format !== spec.format &&
      estimateRenderMs({ ...spec, format, quality: undefined }) <= budgetMs
    ) {
      advice.formats.push(format);
    }
  }
  return advice;
}
