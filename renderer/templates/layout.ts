// Layout helpers common to templates: padding, the stacked header/content/footer arrangement, footer rows.
import { luminance, toCss, withAlpha, type Rgba } from "../spec/colors";
import {
  drawImageContain,
  drawText,
  layoutText,
  widestLineWidth,
  type Alignment,
  type Rect,
  type TextLayout,
} from "./parts";
import { resolveDirection, type Direction } from "../text/direction";
import { drawnText } from "./drawnText";
import type { ImageBox, Scene, SceneFrame } from "./types";

/** The card's writing direction, from its title: it decides which side the logo and footer take. */
export function cardDirection(scene: Scene): Direction {
  return resolveDirection(scene.spec.direction, scene.spec.title);
}

export function padding(scene: Pick<SceneFrame, "width" | "height">): number {
  return Math.round(Math.min(scene.width, scene.height) * 0.1);
}

export function isTall(scene: Pick<SceneFrame, "width" | "height">): boolean {
  return scene.height > scene.width * 0.75;
}

function titleLines(scene: Scene, wide: number, tall: number): number {
  return scene.spec.titleMaxLines ?? (isTall(scene) ? tall : wide);
}

const ink: Rgba = { r: 15, g: 23, b: 42, a: 1 };
const paper: Rgba = { r: 255, g: 255, b: 255, a: 1 };

/** Dark or light text, whichever reads better on `background` (WCAG luminance). */
function readableOn(background: Rgba): Rgba {
  return luminance(background) > 0.4 ? ink : paper;
}

export interface StackOptions {
  box: Rect;
  align: Alignment;
  /** Vertical placement of the stack inside the box. */
  placement: "center" | "bottom" | "top";
  titleWeight: number;
  titleMaxSize: number;
  titleMinSize: number;
  titleLineHeight?: number;
  eyebrowStyle?: "text" | "pill";
  subtitleColorAlpha?: number;
}

/** The eyebrow laid out on one line, or undefined when the card has none. */
function layoutEyebrow(scene: Scene, options: StackOptions): TextLayout | undefined {
  const { spec, theme, unit } = scene;
  const text = drawnText(spec, "eyebrow");
  if (!text) return undefined;
  return layoutText(
    scene,
    {
      text,
      weight: 600,
      maxSize: 24 * unit,
      minSize: 16 * unit,
      maxLines: 1,
      lineHeight: 1.2,
      color: options.eyebrowStyle === "pill" ? readableOn(theme.accent) : theme.accent,
      field: "eyebrow",
    },
    options.box.width - 48 * unit,
    40 * unit,
  );
}

/** The subtitle in at most a third of the box, or undefined when the card has none. */
function layoutSubtitle(scene: Scene, options: StackOptions): TextLayout | undefined {
  const { spec, theme, unit } = scene;
  if (!spec.subtitle) return undefined;
  return layoutText(
    scene,
    {
      text: spec.subtitle,
      weight: 400,
      maxSize: 32 * unit,
      minSize: 20 * unit,
      maxLines: isTall(scene) ? 4 : 2,
      lineHeight: 1.35,
      color: withAlpha(theme.muted, options.subtitleColorAlpha ?? 1),
      field: "subtitle",
    },
    options.box.width,
    options.box.height * 0.3,
  );
}

/** The title in the box's height less `reserved` (what eyebrow and subtitle take). */
function layoutTitle(scene: Scene, options: StackOptions, reserved: number): TextLayout {
  const { spec, theme, unit } = scene;
  return layoutText(
    scene,
    {
      text: spec.title,
      weight: options.titleWeight,
      // Tall cards have the height for a bigger title.
      maxSize: options.titleMaxSize * unit * (isTall(scene) ? 1.4 : 1),
      minSize: options.titleMinSize * unit,
      maxLines: titleLines(scene, 3, 5),
      lineHeight: options.titleLineHeight ?? 1.12,
      color: theme.foreground,
      field: "title",
    },
    options.box.width,
    Math.max(options.titleMinSize * unit * 1.2, options.box.height - reserved),
  );
}

/** Eyebrow, title and subtitle stacked in a box; the title gets whatever room the others leave. */
export function drawTextStack(scene: Scene, options: StackOptions): Rect {
  const { box } = options;
  const gap = 20 * scene.unit;
  const eyebrow = layoutEyebrow(scene, options);
  const eyebrowHeight = eyebrow
    ? eyebrow.height + (options.eyebrowStyle === "pill" ? 20 * scene.unit : 0)
    : 0;
  const subtitle = layoutSubtitle(scene, options);
  const reserved =
    (eyebrow ? eyebrowHeight + gap : 0) + (subtitle ? subtitle.height + gap * 1.4 : 0);
  const title = layoutTitle(scene, options, reserved);
  const total = reserved + title.height;
  let y = box.y;
  if (options.placement === "center") y = box.y + Math.max(0, (box.height - total) / 2);
  if (options.placement === "bottom") y = box.y + Math.max(0, box.height - total);
  const top = y;
  if (eyebrow) {
    if (options.eyebrowStyle === "pill") drawPill(scene, eyebrow, box, y, options.align);
    else drawText(scene, eyebrow, box.x, y, box.width, options.align);
    y += eyebrowHeight + gap;
  }
  drawText(scene, title, box.x, y, box.width, options.align);
  y += title.height;
  if (subtitle) {
    y += gap * 1.4;
    drawText(scene, subtitle, box.x, y, box.width, options.align);
    y += subtitle.height;
  }
  return { x: box.x, y: top, width: box.width, height: y - top };
}

function drawPill(scene: Scene, text: TextLayout, box: Rect, y: number, align: Alignment): void {
  const { context, unit } = scene;
  const textWidth = widestLineWidth(scene, text);
  const width = textWidth + 40 * unit;
  const height = text.height + 20 * unit;
  const x =
    align === "center"
      ? box.x + (box.width - width) / 2
      : text.direction === "rtl"
        ? box.x + box.width - width
        : box.x;
  context.fillStyle = toCss(scene.theme.accent);
  context.beginPath();
  context.roundRect(x, y, width, height, height / 2);
  context.fill();
  drawText(scene, text, x + 20 * unit, y + 10 * unit, textWidth, "center");
}

/**
 * The footer row: author (strong) and footer (muted) at the start, logo at the end; in RTL cards
 * the sides swap. Returns nothing: it owns the row.
 */
export function drawFooterRow(scene: Scene, row: Rect, align: Alignment, withLogo: boolean): void {
  const { spec, theme, unit, images } = scene;
  let available = row.width;
  let logoWidth = 0;
  const rtl = cardDirection(scene) === "rtl";
  if (withLogo && images.logo && align === "start") {
    const box = { x: row.x, y: row.y, ...footerLogoBox(unit, row.width, row.height) };
    if (!rtl) box.x = row.x + row.width - box.width;
    logoWidth = drawImageContain(scene, images.logo, box, rtl ? "start" : "end");
    available -= logoWidth + 24 * unit;
  }
  const parts = [spec.author, spec.footer].filter((part): part is string => Boolean(part));
  if (!parts.length) return;
  const text = parts.join("  ·  ");
  const layout = layoutText(
    scene,
    {
      text,
      weight: spec.author ? 600 : 400,
      maxSize: 26 * unit,
      minSize: 16 * unit,
      maxLines: 1,
      lineHeight: 1.2,
      color: spec.author ? theme.foreground : theme.muted,
      field: spec.author ? "author" : "footer",
    },
    available,
    row.height,
  );
  const x = rtl && logoWidth ? row.x + logoWidth + 24 * unit : row.x;
  drawText(scene, layout, x, row.y + (row.height - layout.height) / 2, available, align);
}

export interface FrameOptions {
  /** Heights and gap in size units (multiplied by `scene.unit`). */
  logoHeight: number;
  footerHeight: number;
  gap: number;
  logoAnchor: "start" | "center";
}

export interface Frame {
  content: Rect;
  /** Present when the card has an author or footer text. */
  footer?: Rect;
}

/**
 * Draws the card's logo row at the top of `area`, and returns the content box and the footer row
 * below it: the rows exist only when the card has a logo or footer text, the content takes the rest.
 */
export function drawHeaderLogoAndFrame(scene: Scene, area: Rect, options: FrameOptions): Frame {
  const { unit, spec, images } = scene;
  const logoHeight = images.logo ? options.logoHeight * unit : 0;
  const footerHeight = spec.author || spec.footer ? options.footerHeight * unit : 0;
  const gap = options.gap * unit;
  if (logoHeight) drawHeaderLogo(scene, { ...area, height: logoHeight }, options.logoAnchor);
  const top = area.y + (logoHeight ? logoHeight + gap : 0);
  const bottom = area.y + area.height - (footerHeight ? footerHeight + gap : 0);
  const content = { x: area.x, y: top, width: area.width, height: bottom - top };
  if (!footerHeight) return { content };
  return {
    content,
    footer: {
      x: area.x,
      y: area.y + area.height - footerHeight,
      width: area.width,
      height: footerHeight,
    },
  };
}

/** The logo at the top (start edge, or centred), if the card has one. */
function drawHeaderLogo(scene: Scene, row: Rect, anchor: "start" | "center"): void {
  if (!scene.images.logo) return;
  if (anchor === "center") {
    drawImageContain(scene, scene.images.logo, row, "center");
    return;
  }
  // The logo takes at most 40% of the row, on the side where the card's text starts.
  const rtl = cardDirection(scene) === "rtl";
  const { width } = headerLogoBox(row.width, row.height, anchor);
  const box = { ...row, x: rtl ? row.x + row.width - width : row.x, width };
  drawImageContain(scene, scene.images.logo, box, rtl ? "end" : "start");
}

/** The box drawHeaderLogo fits the logo into, in a row of `rowWidth` × `height`. */
export function headerLogoBox(
  rowWidth: number,
  height: number,
  anchor: "start" | "center",
): ImageBox {
  return { width: anchor === "center" ? rowWidth : rowWidth * 0.4, height, fit: "contain" };
}

/** The box drawFooterRow fits the logo into, in a row of `rowWidth` × `height`. */
export function footerLogoBox(unit: number, rowWidth: number, height: number): ImageBox {
  return { width: Math.min(220 * unit, rowWidth / 3), height, fit: "contain" };
}
