// Drawing primitives the template engine uses: backgrounds and fitted, fallback-aware text blocks.
import { toCss, type Rgba } from "../spec/colors";
import type { ResolvedBackground } from "../spec/resolveTheme";
import { placeStops } from "../paint/gradient";
import { gradientCanvas } from "../paint/gradientCache";
import type { TextFont } from "../fonts/brandFonts";
import { primaryFonts, type PrimaryFontName } from "../fonts/catalog";
import { rangesCover, type CodePointRanges } from "../fonts/codePointRanges";
import { indexFamily, subsetCodePoints } from "../fonts/families";
import { resolveDirection, type Direction } from "../text/direction";
import { fitText, type FitOptions, type FittedText } from "../text/fit";
import { splitRuns, type PrimaryMaps, type TextRun } from "../text/runs";
import type { Measure } from "../text/wrap";
import type { Scene } from "./types";

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Fills a rectangle with a solid colour or an undithered gradient (computed at output resolution). */
export function paintBackground(scene: Scene, background: ResolvedBackground, rect: Rect): void {
  const { context, engine, scale } = scene;
  if (background.kind === "solid") {
    context.fillStyle = toCss(background.color);
    context.fillRect(rect.x, rect.y, rect.width, rect.height);
    return;
  }
  // The gradient is computed in device pixels and copied 1:1, so it is never resampled.
  const x = Math.round(rect.x * scale);
  const y = Math.round(rect.y * scale);
  const width = Math.round((rect.x + rect.width) * scale) - x;
  const height = Math.round((rect.y + rect.height) * scale) - y;
  if (width <= 0 || height <= 0) return;
  const gradient = gradientCanvas(
    engine,
    width,
    height,
    background.angle,
    placeStops(background.stops),
  );
  engine.drawImage(
    context,
    gradient,
    { x: 0, y: 0, width, height },
    { x: x / scale, y: y / scale, width: width / scale, height: height / scale },
  );
}

export interface TextBlockStyle {
  text: string;
  weight: number;
  maxSize: number;
  minSize: number;
  maxLines: number;
  lineHeight: number;
  color: Rgba;
  /** Field name for warnings. */
  field: string;
  /** The family: a brand face first, then a shipped stack. */
  font: TextFont;
}

export interface TextLayout extends LineFonts {
  lines: string[];
  size: number;
  lineHeightPx: number;
  height: number;
  color: Rgba;
}

const primaryMapsCache = new Map<PrimaryFontName, PrimaryMaps>();

/** Whether any subset of a primary font maps a code point (read on first use, then kept). */
function primaryMapsOf(font: PrimaryFontName): PrimaryMaps {
  let maps = primaryMapsCache.get(font);
  if (!maps) {
    let subsets: CodePointRanges[] | undefined;
    maps = (codePoint) => {
      if (!subsets) {
        const index = indexFamily(primaryFonts[font]);
        subsets = index.subsets.map((subset) => subsetCodePoints(index, subset));
      }
      return subsets.some((ranges) => rangesCover(ranges, codePoint));
    };
    primaryMapsCache.set(font, maps);
  }
  return maps;
}

/** How a text block's strings are drawn at one size. */
export interface LineFonts {
  /**
   * The canvas font for a string, naming only the font files its characters need; with
   * `emojiFirst` the colour emoji font leads (for emoji sequences the primary would take).
   */
  fontFor: (text: string, emojiFirst: boolean) => string;
  direction: Direction;
  primaryMaps: PrimaryMaps;
  /** CSS font-variation-settings: a variable brand font's instance (`"wght" 700`), else "normal". */
  variation: string;
  /**
   * Everything but the text that a measured width depends on (font, weight, size, brand face,
   * variation, direction): the key of the widths shared between cards (see sharedWidths).
   */
  measureKey: string;
}

function setFont(scene: Scene, fonts: LineFonts, font: string): void {
  const { context } = scene;
  // Assigning a font parses it (costly for long lists): skip when it is already set.
  if (context.font !== font) context.font = font;
  // The setting outlives font changes on the context: reset it for text that is not variable.
  const current = context.fontVariationSettings ?? "normal";
  if (current !== fonts.variation) context.fontVariationSettings = fonts.variation;
}

/** The width of each run, measured with the font it is drawn with. */
function runWidths(scene: Scene, fonts: LineFonts, runs: readonly TextRun[]): number[] {
  return runs.map((run) => {
    setFont(scene, fonts, fonts.fontFor(run.text, run.emoji));
    return scene.context.measureText(run.text).width;
  });
}

/**
 * Widths measured by earlier cards, per font loader (one per engine), keyed by LineFonts.measureKey
 * and the text. A width is a pure function of the font files a name stands for and the text, and a
 * registered name never changes its files (FontLoader.register; brand names are content hashes), so
 * a batch measures each word of a font and size once, whatever ran before gives the same bytes.
 * Bounded: the oldest entries leave first.
 */
const sharedWidths = new WeakMap<object, Map<string, number>>();
const maxSharedWidths = 20_000;

function sharedWidthsOf(scene: Scene): Map<string, number> {
  let widths = sharedWidths.get(scene.fonts);
  if (!widths) {
    widths = new Map();
    sharedWidths.set(scene.fonts, widths);
  }
  return widths;
}

/** The width of a string as drawText draws it: one string, or its runs side by side. */
function measureLine(scene: Scene, fonts: LineFonts, line: string): number {
  const widths = sharedWidthsOf(scene);
  const key = `${fonts.measureKey}\u0000${line}`;
  let width = widths.get(key);
  if (width === undefined) {
    width = measureLineNow(scene, fonts, line);
    if (widths.size >= maxSharedWidths) {
      const oldest = widths.keys().next().value;
      if (oldest !== undefined) widths.delete(oldest);
    }
    widths.set(key, width);
  }
  return width;
}

function measureLineNow(scene: Scene, fonts: LineFonts, line: string): number {
  const runs = splitRuns(line, fonts.direction, fonts.primaryMaps);
  if (!runs) {
    setFont(scene, fonts, fonts.fontFor(line, false));
    return scene.context.measureText(line).width;
  }
  return runWidths(scene, fonts, runs).reduce((sum, width) => sum + width, 0);
}

/**
 * Widths of one text block's pieces and lines, kept across its fits (the template engine measures
 * a text, then fits it, maybe twice): valid for one text, style and card only.
 */
export interface TextMeasures {
  reference?: Measure;
  exact: Map<number, Measure>;
  /** Characters no font has, found when the text's fonts were first made sure of. */
  missing?: string[];
}

export function textMeasures(): TextMeasures {
  return { exact: new Map() };
}

/** The widest line of a layout, as drawText draws it (from `measures` when they have its size). */
export function widestLineWidth(scene: Scene, layout: TextLayout, measures: TextMeasures): number {
  const measure = measures.exact.get(layout.size) ?? ((line) => measureLine(scene, layout, line));
  return Math.max(...layout.lines.map((line) => measure(line)));
}

/**
 * A measure at one size that caches widths per text: the wrapper asks for each piece, grapheme and
 * line once per size, and the fit asks again at every size it tries.
 */
function measurer(scene: Scene, fonts: LineFonts): Measure {
  const cache = new Map<string, number>();
  return (text) => {
    let width = cache.get(text);
    if (width === undefined) {
      width = measureLine(scene, fonts, text);
      cache.set(text, width);
    }
    return width;
  };
}

/** Registers the fonts `text` needs, with a warning naming characters no font has. */
function ensureFonts(
  scene: Scene,
  text: string,
  field: string,
  weight: number,
  font: TextFont,
  measures: TextMeasures,
): void {
  const missing =
    measures.missing ?? scene.fonts.ensure(text, font.primary, font.brand?.face(weight));
  measures.missing = missing;
  if (missing.length) {
    scene.warnings.push(
      `${field}: no shipped font has ${missing.slice(0, 5).join(" ")}; they may render as boxes`,
    );
  }
}

/**
 * How `text` is drawn at each font size at `weight`: in `font` (a brand face, then its shipped
 * stack).
 */
function lineFontsFor(
  scene: Scene,
  weight: number,
  text: string,
  font: TextFont,
): (size: number) => LineFonts {
  const direction = resolveDirection(scene.spec.direction, text);
  const { primary } = font;
  const shippedMaps = primaryMapsOf(primary);
  const brand = font.brand?.face(weight);
  // A code point the brand face or the shipped primary maps wins over the emoji font.
  const primaryMaps: PrimaryMaps = brand
    ? (codePoint) => brand.maps(codePoint) || shippedMaps(codePoint)
    : shippedMaps;
  const variation = brand?.variation ?? "normal";
  const fontKey = `${primary}\u0001${weight}\u0001${brand?.alias ?? ""}\u0001${variation}\u0001${direction}`;
  return (size) => ({
    fontFor: (part, emojiFirst) =>
      scene.fonts.fontString(primary, weight, size, part, emojiFirst, brand),
    direction,
    primaryMaps,
    variation,
    measureKey: `${fontKey}\u0001${size}`,
  });
}

/**
 * The fit of `options.text`, with as few measures as exactness allows. Widths scale linearly with
 * the font size: the search measures once at a reference size and scales, adding piece widths;
 * only the lines kept are measured whole at their real size, once each. One too wide (kerning or
 * shaping across a break, rounding at the real size) means a second, exact fit.
 */
function fitMeasured(
  scene: Scene,
  fontsAt: (size: number) => LineFonts,
  options: Omit<FitOptions, "measureAt" | "checkLines">,
  measures: TextMeasures,
  exactLines: boolean,
): FittedText {
  const referenceSize = 100;
  measures.reference ??= measurer(scene, fontsAt(referenceSize));
  const reference = measures.reference;
  const scaledAt =
    (size: number): Measure =>
    (line) =>
      (reference(line) * size) / referenceSize;
  const exactMeasures = measures.exact;
  const exactAt = (size: number): Measure => {
    let measure = exactMeasures.get(size);
    if (!measure) {
      measure = measurer(scene, fontsAt(size));
      exactMeasures.set(size, measure);
    }
    return measure;
  };
  let fitted = fitText({ ...options, measureAt: scaledAt, checkLines: false });
  if (!exactLines) return fitted;
  const exact = exactAt(fitted.size);
  if (fitted.lines.some((line) => exact(line) > options.maxWidth + 0.5)) {
    fitted = fitText({ ...options, measureAt: exactAt, checkLines: true });
  }
  return fitted;
}

/**
 * Fits text into a box: the largest size that fits, or the minimum size clamped with an ellipsis.
 * `measures` carries widths over from earlier fits of the same text and style. Without
 * `exactLines`, lines are wrapped by their pieces' widths alone (kerning across pieces unchecked):
 * enough to know how many lines a text takes, not to draw it.
 */
export function layoutText(
  scene: Scene,
  style: TextBlockStyle,
  maxWidth: number,
  maxHeight: number,
  measures: TextMeasures,
  exactLines = true,
): TextLayout {
  const { text } = style;
  ensureFonts(scene, text, style.field, style.weight, style.font, measures);
  // Arabic and Hebrew marks stack above and below the line: give them more room.
  const lineHeight = /[\u0590-\u08FF]/u.test(text) ? style.lineHeight * 1.25 : style.lineHeight;
  const fontsAt = lineFontsFor(scene, style.weight, text, style.font);
  const fitted = fitMeasured(
    scene,
    fontsAt,
    {
      text,
      maxWidth,
      maxHeight,
      maxLines: style.maxLines,
      minSize: style.minSize,
      maxSize: style.maxSize,
      lineHeight,
    },
    measures,
    exactLines,
  );
  if (fitted.clamped) {
    scene.warnings.push(
      `${style.field}: too long for the box even at ${fitted.size}px; cut to ${fitted.lines.length} line(s) with an ellipsis`,
    );
  }
  const lineHeightPx = fitted.size * lineHeight;
  return {
    lines: fitted.lines,
    size: fitted.size,
    lineHeightPx,
    height: fitted.lines.length * lineHeightPx,
    ...fontsAt(fitted.size),
    color: style.color,
  };
}

export type Alignment = "start" | "center" | "end";

/**
 * Draws laid-out lines with their top at `y`; `start` means left for LTR text and right for RTL,
 * `end` the other side.
 */
export function drawText(
  scene: Scene,
  layout: TextLayout,
  x: number,
  y: number,
  width: number,
  align: Alignment,
): void {
  const { context } = scene;
  context.save();
  context.fillStyle = toCss(layout.color);
  context.direction = layout.direction;
  context.textBaseline = "alphabetic";
  let anchorX = x + width / 2;
  context.textAlign = "center";
  if (align !== "center") {
    const right = (layout.direction === "rtl") === (align === "start");
    anchorX = right ? x + width : x;
    context.textAlign = right ? "right" : "left";
  }
  layout.lines.forEach((line, index) => {
    // Centre the capitals in the line box (cap height ≈ 0.72 em for Inter and Noto).
    const baseline = y + index * layout.lineHeightPx + layout.lineHeightPx / 2 + layout.size * 0.36;
    const runs = splitRuns(line, layout.direction, layout.primaryMaps);
    if (runs) {
      drawRuns(scene, layout, runs, anchorX, baseline);
    } else {
      setFont(scene, layout, layout.fontFor(line, false));
      context.fillText(line, anchorX, baseline);
    }
  });
  context.restore();
}

/**
 * Draws a line's runs (in visual order) side by side, placed as the whole line would be by the
 * context's alignment at `anchorX`; each run in its own font order and direction.
 */
function drawRuns(
  scene: Scene,
  layout: TextLayout,
  runs: readonly TextRun[],
  anchorX: number,
  baseline: number,
): void {
  const { context } = scene;
  const widths = runWidths(scene, layout, runs);
  const total = widths.reduce((sum, width) => sum + width, 0);
  const align = context.textAlign;
  let x = align === "center" ? anchorX - total / 2 : align === "right" ? anchorX - total : anchorX;
  context.save();
  context.textAlign = "left";
  runs.forEach((run, index) => {
    setFont(scene, layout, layout.fontFor(run.text, run.emoji));
    context.direction = run.rtl ? "rtl" : "ltr";
    context.fillText(run.text, x, baseline);
    x += widths[index] ?? 0;
  });
  context.restore();
}
