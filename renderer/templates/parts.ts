// Drawing primitives shared by templates: backgrounds, fitted text blocks, images, shapes.
import type { DrawableImage } from "../engine/types";
import { toCss, type Rgba } from "../spec/colors";
import type { ResolvedBackground } from "../spec/resolveTheme";
import { linearGradientPixels, placeStops } from "../paint/gradient";
import { gradientCanvas } from "../paint/gradientCache";
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
}

function setFont(scene: Scene, font: string): void {
  // Assigning a font parses it (costly for long lists): skip when it is already set.
  if (scene.context.font !== font) scene.context.font = font;
}

/** The width of each run, measured with the font it is drawn with. */
function runWidths(scene: Scene, fonts: LineFonts, runs: readonly TextRun[]): number[] {
  return runs.map((run) => {
    setFont(scene, fonts.fontFor(run.text, run.emoji));
    return scene.context.measureText(run.text).width;
  });
}

/** The width of a string as drawText draws it: one string, or its runs side by side. */
function measureLine(scene: Scene, fonts: LineFonts, line: string): number {
  const runs = splitRuns(line, fonts.direction, fonts.primaryMaps);
  if (!runs) {
    setFont(scene, fonts.fontFor(line, false));
    return scene.context.measureText(line).width;
  }
  return runWidths(scene, fonts, runs).reduce((sum, width) => sum + width, 0);
}

/** The widest line of a layout, as drawText draws it. */
export function widestLineWidth(scene: Scene, layout: TextLayout): number {
  return Math.max(...layout.lines.map((line) => measureLine(scene, layout, line)));
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

/** Registers the fonts `text` needs, with a warning naming characters no shipped font has. */
function ensureFonts(scene: Scene, text: string, field: string): void {
  const missing = scene.fonts.ensure(text, scene.theme.font);
  if (missing.length) {
    scene.warnings.push(
      `${field}: no shipped font has ${missing.slice(0, 5).join(" ")}; they may render as boxes`,
    );
  }
}

/** How `text` is drawn at each font size, in the card's primary font at `weight`. */
function lineFontsOf(scene: Scene, weight: number, text: string): (size: number) => LineFonts {
  const direction = resolveDirection(scene.spec.direction, text);
  const primaryMaps = primaryMapsOf(scene.theme.font);
  return (size) => ({
    fontFor: (part, emojiFirst) =>
      scene.fonts.fontString(scene.theme.font, weight, size, part, emojiFirst),
    direction,
    primaryMaps,
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
): FittedText {
  const referenceSize = 100;
  const reference = measurer(scene, fontsAt(referenceSize));
  const scaledAt =
    (size: number): Measure =>
    (line) =>
      (reference(line) * size) / referenceSize;
  const exactMeasures = new Map<number, Measure>();
  const exactAt = (size: number): Measure => {
    let measure = exactMeasures.get(size);
    if (!measure) {
      measure = measurer(scene, fontsAt(size));
      exactMeasures.set(size, measure);
    }
    return measure;
  };
  let fitted = fitText({ ...options, measureAt: scaledAt, checkLines: false });
  const exact = exactAt(fitted.size);
  if (fitted.lines.some((line) => exact(line) > options.maxWidth + 0.5)) {
    fitted = fitText({ ...options, measureAt: exactAt, checkLines: true });
  }
  return fitted;
}

/** Fits text into a box: the largest size that fits, or the minimum size clamped with an ellipsis. */
export function layoutText(
  scene: Scene,
  style: TextBlockStyle,
  maxWidth: number,
  maxHeight: number,
): TextLayout {
  const { text } = style;
  ensureFonts(scene, text, style.field);
  // Arabic and Hebrew marks stack above and below the line: give them more room.
  const lineHeight = /[\u0590-\u08FF]/u.test(text) ? style.lineHeight * 1.25 : style.lineHeight;
  const fontsAt = lineFontsOf(scene, style.weight, text);
  const fitted = fitMeasured(scene, fontsAt, {
    text,
    maxWidth,
    maxHeight,
    maxLines: style.maxLines,
    minSize: style.minSize,
    maxSize: style.maxSize,
    lineHeight,
  });
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

export type Alignment = "start" | "center";

/** Draws laid-out lines with their top at `y`; `start` means left for LTR text and right for RTL. */
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
  if (align === "start") {
    const rightToLeft = layout.direction === "rtl";
    anchorX = rightToLeft ? x + width : x;
    context.textAlign = rightToLeft ? "right" : "left";
  }
  layout.lines.forEach((line, index) => {
    // Centre the capitals in the line box (cap height ≈ 0.72 em for Inter and Noto).
    const baseline = y + index * layout.lineHeightPx + layout.lineHeightPx / 2 + layout.size * 0.36;
    const runs = splitRuns(line, layout.direction, layout.primaryMaps);
    if (runs) {
      drawRuns(scene, layout, runs, anchorX, baseline);
    } else {
      setFont(scene, layout.fontFor(line, false));
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
    setFont(scene, layout.fontFor(run.text, run.emoji));
    context.direction = run.rtl ? "rtl" : "ltr";
    context.fillText(run.text, x, baseline);
    x += widths[index] ?? 0;
  });
  context.restore();
}

/** Draws an image scaled to cover the rect (cropping the overflow), optionally with rounded corners. */
export function drawImageCover(scene: Scene, image: DrawableImage, rect: Rect, radius = 0): void {
  const { context } = scene;
  const scale = Math.max(rect.width / image.width, rect.height / image.height);
  const sourceWidth = rect.width / scale;
  const sourceHeight = rect.height / scale;
  context.save();
  context.beginPath();
  if (radius > 0) context.roundRect(rect.x, rect.y, rect.width, rect.height, radius);
  else context.rect(rect.x, rect.y, rect.width, rect.height);
  context.clip();
  // An image decoded at the box's device size (decodedSizeFor) is copied, not resampled: the
  // high-quality filter costs a bicubic kernel per output pixel on the event loop.
  const copiesPixels =
    Math.abs(image.width - rect.width * scene.scale) <= 1 &&
    Math.abs(image.height - rect.height * scene.scale) <= 1;
  context.imageSmoothingEnabled = !copiesPixels;
  context.imageSmoothingQuality = "high";
  scene.engine.drawImage(
    context,
    image,
    {
      x: (image.width - sourceWidth) / 2,
      y: (image.height - sourceHeight) / 2,
      width: sourceWidth,
      height: sourceHeight,
    },
    rect,
  );
  context.restore();
}

/** Draws an image scaled to fit inside a box, anchored at its start (or end) edge; returns its width. */
export function drawImageContain(
  scene: Scene,
  image: DrawableImage,
  box: Rect,
  anchor: "start" | "end" | "center" = "start",
): number {
  const scale = Math.min(box.width / image.width, box.height / image.height);
  const width = image.width * scale;
  const height = image.height * scale;
  const x =
    anchor === "start"
      ? box.x
      : anchor === "end"
        ? box.x + box.width - width
        : box.x + (box.width - width) / 2;
  scene.context.imageSmoothingEnabled = true;
  scene.context.imageSmoothingQuality = "high";
  scene.engine.drawImage(
    scene.context,
    image,
    { x: 0, y: 0, width: image.width, height: image.height },
    { x, y: box.y + (box.height - height) / 2, width, height },
  );
  return width;
}

export function fillRoundRect(scene: Scene, rect: Rect, radius: number, color: Rgba): void {
  const { context } = scene;
  context.fillStyle = toCss(color);
  context.beginPath();
  context.roundRect(rect.x, rect.y, rect.width, rect.height, radius);
  context.fill();
}

/**
 * A vertical scrim (transparent → colour) drawn as an image stretched from a 1-pixel-wide column:
 * image scaling is not dithered, so the result stays smooth and compressible.
 */
export function drawScrim(
  scene: Scene,
  rect: Rect,
  color: Rgba,
  fromAlpha: number,
  toAlpha: number,
): void {
  const height = Math.max(2, Math.round(rect.height * scene.scale));
  const column = linearGradientPixels(1, height, 180, [
    { color: { ...color, a: fromAlpha }, position: 0 },
    { color: { ...color, a: toAlpha }, position: 1 },
  ]);
  const { canvas, context } = scene.engine.createCanvas(1, height);
  context.putImageData(scene.engine.createImageData(column, 1, height), 0, 0);
  scene.engine.drawImage(scene.context, canvas, { x: 0, y: 0, width: 1, height }, rect);
}
