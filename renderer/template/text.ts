// Text nodes: their style, their measure for yoga (at the largest size), and the fit into the box layout gave them.
import { MeasureMode, type MeasureFunction } from "yoga-layout/load";
import type { Direction } from "../text/direction";
import {
  drawText,
  layoutText,
  textMeasures,
  widestLineWidth,
  type Alignment,
  type Rect,
  type TextBlockStyle,
  type TextLayout,
} from "../templates/parts";
import type { Scene } from "../templates/types";
import type { FontChoice } from "./fonts";
import type { CardText } from "./instance";

/** Defaults of a text node that does not say: CSS-like body text. */
export const textDefaults = { size: 32, weight: 400, lineHeight: 1.2 } as const;
/** maxLines when a node gives none: as many lines as its box holds (the text is bounded anyway). */
const unlimitedLines = 1000;
const unbounded = 1e7;

export function textStyleOf(node: CardText, unit: number, choice: FontChoice): TextBlockStyle {
  const { font, maxLines, lineHeight } = node.source;
  const size = font?.size ?? textDefaults.size;
  const [minSize, maxSize] = typeof size === "number" ? [size, size] : size;
  return {
    text: node.text,
    weight: font?.weight ?? textDefaults.weight,
    minSize: minSize * unit,
    maxSize: maxSize * unit,
    maxLines: maxLines ?? unlimitedLines,
    lineHeight: lineHeight ?? textDefaults.lineHeight,
    color: node.color,
    field: node.label,
    font: { primary: choice.primary, ...(choice.brand ? { brand: choice.brand } : {}) },
  };
}

/** Sizes in device pixels rounded up, so a box built from a measure never cuts its text. */
const ceilTo = (value: number, scale: number) => Math.ceil(value * scale - 1e-6) / scale;

/** One text node's measuring and fitting state for one card. */
export class TextBlock {
  readonly style: TextBlockStyle;
  private readonly atLargest = new Map<number, { width: number; height: number }>();
  /** Piece and line widths shared by every measure and fit of this text. */
  private readonly measures = textMeasures();
  /** What the first layout's box fitted: the second layout sizes the node to it. */
  private settled: { boxWidth: number; width: number; height: number } | undefined;
  /** The width yoga last offered the measure (H2: the settled size is keyed by it). */
  private offeredWidth: number | undefined;
  /** The last fit, with the warnings it raised (recorded on the card when it is drawn). */
  private fitted: { box: Rect; layout: TextLayout; warnings: string[] } | undefined;

  constructor(
    readonly node: CardText,
    /** Measures without recording warnings (yoga measures a node several times). */
    private readonly quietScene: Scene,
    private readonly scene: Scene,
    unit: number,
    font: FontChoice,
  ) {
    this.style = textStyleOf(node, unit, font);
  }

  get isEmpty(): boolean {
    return this.style.text.trim().length === 0;
  }

  /**
   * The size of the text at its largest font size in `maxWidth` (memoised per width). With
   * `heightOnly` (yoga fixed the width), lines are wrapped by piece widths, not measured whole.
   */
  private largest(maxWidth: number, heightOnly: boolean): { width: number; height: number } {
    const key = heightOnly ? -maxWidth : maxWidth;
    let size = this.atLargest.get(key);
    if (!size) {
      const { scale } = this.scene;
      // All lines at the largest size, then the first maxLines of them: the box a clamped text
      // needs, without the ellipsis search clamping would run (the fit into the box does that).
      const style = { ...this.style, minSize: this.style.maxSize, maxLines: unlimitedLines };
      const quiet = this.quietScene;
      const all = layoutText(quiet, style, maxWidth, unbounded, this.measures, !heightOnly);
      const layout = { ...all, lines: all.lines.slice(0, this.style.maxLines) };
      const width = heightOnly
        ? maxWidth
        : Math.min(maxWidth, ceilTo(widestLineWidth(quiet, layout, this.measures), scale));
      size = { width, height: ceilTo(layout.lines.length * layout.lineHeightPx, scale) };
      this.atLargest.set(key, size);
    }
    return size;
  }

  /**
   * Yoga's measure: the text at its largest size in the width offered; in the second layout, at
   * the width it settled in, the size it was fitted to.
   */
  readonly measure: MeasureFunction = (width, widthMode) => {
    if (this.isEmpty) return { width: 0, height: 0 };
    const exactly = widthMode === MeasureMode.Exactly;
    const maxWidth =
      widthMode === MeasureMode.Undefined || !Number.isFinite(width) ? unbounded : width;
    const settled = this.settled;
    this.offeredWidth = maxWidth;
    const size =
      settled && Math.abs(settled.boxWidth - maxWidth) < 0.5
        ? settled
        : this.largest(maxWidth, exactly);
    return { width: exactly ? width : size.width, height: size.height };
  };

  /**
   * The text fitted into `box` (largest size ≤ max, ≥ min, that fits; else clamped), fitted once
   * per box size; with `warn`, its warnings (clamped, characters no font has) go on the card.
   */
  fit(box: Rect, warn: boolean): TextLayout {
    let kept = this.fitted;
    if (!kept || kept.box.width !== box.width || kept.box.height !== box.height) {
      const warnings = this.quietScene.warnings;
      const before = warnings.length;
      // Lines break within the width yoga offered: the box it rounds outwards may be a pixel wider.
      const width = Math.min(box.width, this.offeredWidth ?? box.width);
      const layout = layoutText(this.quietScene, this.style, width, box.height, this.measures);
      kept = { box, layout, warnings: warnings.splice(before) };
      this.fitted = kept;
    }
    if (warn) this.scene.warnings.push(...kept.warnings);
    return kept.layout;
  }

  /**
   * After the first layout: fits the text into its box, and when it came out smaller than
   * measured (a smaller size, or clamped), records that size for the second layout. True then.
   */
  settle(): boolean {
    if (this.isEmpty) return false;
    const { box } = this.node;
    const layout = this.fit(box, false);
    const height = ceilTo(layout.height, this.scene.scale);
    if (height >= box.height - 0.5) return false;
    const width = ceilTo(widestLineWidth(this.quietScene, layout, this.measures), this.scene.scale);
    // Keyed by the width yoga offered, not the box: yoga rounds a measured node's box outwards
    // (582.6 offered → 584 wide), and the second layout offers 582.6 again.
    this.settled = {
      boxWidth: this.offeredWidth ?? box.width,
      width: Math.min(width, box.width),
      height,
    };
    return true;
  }

  /** Draws the text fitted into its final box, aligned by the card's direction. */
  draw(cardDirection: Direction): void {
    if (this.isEmpty) return;
    const { box } = this.node;
    const layout = this.fit(box, true);
    // Aligned within the width the lines were broken in (end and centre stay inside the parent).
    drawText(
      this.scene,
      layout,
      box.x,
      box.y,
      Math.min(box.width, this.offeredWidth ?? box.width),
      alignmentFor(this.node, layout, cardDirection),
    );
  }
}

/**
 * drawText aligns relative to the text's own direction; a node's `start`/`end` follow the card's:
 * an English line in an RTL card with `start` sits at the right.
 */
function alignmentFor(node: CardText, layout: TextLayout, cardDirection: Direction): Alignment {
  const align = node.source.align ?? "start";
  if (align === "center") return "center";
  const sameDirection = layout.direction === cardDirection;
  return sameDirection === (align === "start") ? "start" : "end";
}
