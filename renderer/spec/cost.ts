// The estimated time to render a card (draw + encode), from its output pixels, format and quality, plus its template's content: what budgets and deadlines are made of.
import { limits } from "../limits";
import { placeholderPattern, type TemplateDocument, type TextNode } from "../template/schema";
import { nodesOf, placeholdersIn } from "../template/walk";
import type { CardSpec, ImageFormat, TemplateParams } from "./schema";
import { cardDimensions, dimensionsOf } from "./sizes";
import { formatPath } from "./issues";

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
  const { width, height } = cardDimensions(spec);
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

/**
 * What a template's content adds to a card's cost, beyond the pixels every card pays (above): ms of
 * one reference core, calibrated with `npm run bench:template-cost`; docs/reliability.md, "Cost
 * limits". Text is linear in its length (renderer/text/wrap.ts); an auto-fit size range adds one
 * wrap of the cached piece widths per step of its binary search.
 */
export const templateCostModel = {
  /** Per node: yoga layout, scene building. */
  msPerNode: 0.05,
  /** Per code point of text in the costliest script (CJK from every font subset), warm: 0.024 measured. */
  msPerTextCodePoint: 0.03,
  /** Per step of an auto-fit's binary search, as a share of the text's one layout: 0.043 measured. */
  fitStepShare: 0.05,
  /** Per image node: decoding its asset (an 800² JPEG took 2 ms; a 25 MP one takes far longer). */
  msPerImage: 15,
  /** Per megapixel of an image node's box at the output size: resample and draw (3 measured). */
  msPerImageMegapixel: 10,
  /** Per megapixel of a painted background or fill at the output size. */
  msPerFillMegapixel: 10,
} as const;

/** One thing a template's content costs, named for an error message. */
export interface TemplateCostPart {
  /** The node's JSON path (`root.children[2]`), or "" for the whole tree. */
  path: string;
  /** The text param that contributes most to a text node's length, if any. */
  param?: string;
  /** What it is, in words: `a text of up to 3,000 characters ({{body}} ×3, auto-fit 12–96)`. */
  what: string;
  ms: number;
}

export interface TemplateContentCost {
  ms: number;
  /** Costliest first. */
  parts: TemplateCostPart[];
}

/** The shape of a template document the cost model reads (renderer/template/schema.ts). */
export type CostedTemplate = Pick<TemplateDocument, "size" | "params" | "root">;

export interface TemplateCostOptions {
  /** The card's size and scale; default: the template's own size at scale 1. */
  spec?: Pick<CardSpec, "size" | "scale">;
  /** The card's params; omitted: the worst case (every text param at its maxLength or the limit). */
  params?: TemplateParams;
}

const megapixels = (width: number, height: number) => (width * height) / 1e6;

/** A length's px at the template's size: a percentage of the whole card is its largest. */
function boxSide(length: string | number | undefined, full: number): number {
  if (length === undefined) return full;
  if (typeof length === "number") return Math.min(length, full);
  return (Number.parseFloat(length) / 100) * full;
}

/** A text node's length in code points: the card's values, or each placeholder at its longest. */
function textLength(
  text: string,
  document: CostedTemplate,
  params: TemplateParams | undefined,
): { length: number; param?: string; placeholders: Map<string, number> } {
  const placeholders = new Map<string, number>();
  for (const name of placeholdersIn(text))
    placeholders.set(name, (placeholders.get(name) ?? 0) + 1);
  let length = [...text.replace(placeholderPattern, "")].length;
  let heaviest: { name: string; length: number } | undefined;
  for (const [name, count] of placeholders) {
    const definition = Object.hasOwn(document.params, name) ? document.params[name] : undefined;
    const value = params
      ? Object.hasOwn(params, name)
        ? params[name]
        : definition?.default
      : undefined;
    const each = params
      ? typeof value === "string"
        ? [...value].length
        : 0
      : (definition?.maxLength ?? limits.template.maxParamLength);
    length += each * count;
    if (!heaviest || each * count > heaviest.length) heaviest = { name, length: each * count };
  }
  return { length, ...(heaviest ? { param: heaviest.name } : {}), placeholders };
}

function textPart(
  node: TextNode,
  path: string,
  document: CostedTemplate,
  params: TemplateParams | undefined,
): TemplateCostPart {
  const { length, param, placeholders } = textLength(node.text, document, params);
  const size = node.font?.size;
  const steps = Array.isArray(size) ? Math.ceil(Math.log2(Math.max(1, size[1] - size[0]) + 1)) : 0;
  const ms =
    length * templateCostModel.msPerTextCodePoint * (1 + steps * templateCostModel.fitStepShare);
  const named = [...placeholders]
    .map(([name, count]) => `{{${name}}}${count > 1 ? ` ×${count}` : ""}`)
    .join(", ");
  const fit = Array.isArray(size) ? `auto-fit ${size[0]}–${size[1]}` : "";
  const detail = [named, fit].filter(Boolean).join("; ");
  return {
    path,
    ...(param !== undefined ? { param } : {}),
    what: `a text of ${params ? "" : "up to "}${length.toLocaleString("en-US")} characters${detail ? ` (${detail})` : ""}`,
    ms,
  };
}

/**
 * What a template's content costs to lay out and draw, on top of estimateRenderMs: text by its
 * length (worst case when `options.params` is omitted), auto-fit by its search steps, image nodes
 * and painted boxes by their area at the output size, and every node a little.
 */
export function estimateTemplateContentMs(
  document: CostedTemplate,
  options: TemplateCostOptions = {},
): TemplateContentCost {
  const own = dimensionsOf(document.size);
  const output = outputSize(options.spec ?? { size: document.size, scale: 1 });
  const pixelRatio = (output.width * output.height) / (own.width * own.height);
  const parts: TemplateCostPart[] = [];
  const nodes = nodesOf(document);
  for (const { node, path } of nodes) {
    const at = formatPath(path);
    const area =
      megapixels(boxSide(node.width, own.width), boxSide(node.height, own.height)) * pixelRatio;
    if (node.type === "text") parts.push(textPart(node, at, document, options.params));
    if (node.type === "image") {
      parts.push({
        path: at,
        what: `an image of ${area.toFixed(1)} MP`,
        ms: templateCostModel.msPerImage + area * templateCostModel.msPerImageMegapixel,
      });
    }
    const painted = (node.background ? 1 : 0) + (node.type === "shape" && node.fill ? 1 : 0);
    if (painted) {
      parts.push({
        path: at,
        what: `a painted box of ${area.toFixed(1)} MP`,
        ms: painted * area * templateCostModel.msPerFillMegapixel,
      });
    }
  }
  parts.push({
    path: "",
    what: `${nodes.length} nodes`,
    ms: nodes.length * templateCostModel.msPerNode,
  });
  parts.sort((a, b) => b.ms - a.ms);
  return { ms: Math.round(parts.reduce((sum, part) => sum + part.ms, 0)), parts };
}
