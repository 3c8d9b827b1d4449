// Paints a laid-out card tree: backgrounds, clipping radii, opacity, text, images and shapes.
import type { DrawableImage } from "../engine/types";
import { toCss } from "../spec/colors";
import type { ResolvedBackground } from "../spec/resolveTheme";
import type { Direction } from "../text/direction";
import { paintBackground, type Rect } from "../templates/parts";
import type { Scene } from "../templates/types";
import type { CardImage, CardNode, CardShape } from "./instance";
import type { TextBlock } from "./text";

export interface DrawInputs {
  scene: Scene;
  unit: number;
  direction: Direction;
  texts: ReadonlyMap<CardNode, TextBlock>;
  images: ReadonlyMap<CardNode, DrawableImage>;
}

/** A radius no larger than half the box's shorter side (a larger one would not be round). */
function radiusIn(box: Rect, radius: number): number {
  return Math.max(0, Math.min(radius, box.width / 2, box.height / 2));
}

function roundedPath(scene: Scene, box: Rect, radius: number): void {
  scene.context.beginPath();
  if (radius > 0) scene.context.roundRect(box.x, box.y, box.width, box.height, radius);
  else scene.context.rect(box.x, box.y, box.width, box.height);
}

/** Which part of an image a cover fit shows: as much as fits, centred on `focus` where the edges allow. */
export function coverSource(
  image: { width: number; height: number },
  box: { width: number; height: number },
  focus: { x: number; y: number },
): Rect {
  const scale = Math.max(box.width / image.width, box.height / image.height);
  const width = Math.min(image.width, box.width / scale);
  const height = Math.min(image.height, box.height / scale);
  const place = (size: number, shown: number, at: number) =>
    Math.min(size - shown, Math.max(0, at * size - shown / 2));
  return {
    x: place(image.width, width, focus.x),
    y: place(image.height, height, focus.y),
    width,
    height,
  };
}

/** The share of a contained image's spare width left of it: `start`/`end` follow the card's direction. */
function containShare(align: "start" | "center" | "end" | undefined, direction: Direction): number {
  if (align === undefined || align === "center") return 0.5;
  return (align === "start") === (direction === "ltr") ? 0 : 1;
}

function drawImageNode(inputs: DrawInputs, node: CardImage, image: DrawableImage): void {
  const { scene } = inputs;
  const { context } = scene;
  const { box, source } = node;
  const radius = radiusIn(box, (source.radius ?? 0) * inputs.unit);
  context.save();
  if (source.fit === "contain") {
    const scale = Math.min(box.width / image.width, box.height / image.height);
    const width = image.width * scale;
    const height = image.height * scale;
    const target = {
      x: box.x + (box.width - width) * containShare(source.align, inputs.direction),
      y: box.y + (box.height - height) / 2,
      width,
      height,
    };
    if (radius > 0) {
      roundedPath(scene, target, radiusIn(target, radius));
      context.clip();
    }
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = "high";
    scene.engine.drawImage(
      context,
      image,
      { x: 0, y: 0, width: image.width, height: image.height },
      target,
    );
  } else {
    roundedPath(scene, box, radius);
    context.clip();
    const sourceRect = coverSource(image, box, source.focus ?? { x: 0.5, y: 0.5 });
    // Decoded at the box's device size (renderer/paint/images.ts): a 1:1 copy, no resampling.
    const copies =
      Math.abs(sourceRect.width - box.width * scene.scale) <= 1 &&
      Math.abs(sourceRect.height - box.height * scene.scale) <= 1;
    context.imageSmoothingEnabled = !copies;
    context.imageSmoothingQuality = "high";
    scene.engine.drawImage(context, image, sourceRect, box);
  }
  context.restore();
}

/** A colour or gradient over the current path's area (the path is the clip). */
function fillClipped(scene: Scene, fill: ResolvedBackground, box: Rect): void {
  scene.context.save();
  scene.context.clip();
  paintBackground(scene, fill, box);
  scene.context.restore();
}

function drawShapeNode(inputs: DrawInputs, node: CardShape): void {
  const { scene, unit } = inputs;
  const { context } = scene;
  const { box, source, fill, stroke } = node;
  const strokeWidth = (source.strokeWidth ?? (stroke ? 1 : 0)) * unit;
  if (source.shape === "line") {
    // A line runs along the box's longer side, through its middle; as thick as strokeWidth, or the box.
    const horizontal = box.width >= box.height;
    const thickness = strokeWidth || (horizontal ? box.height : box.width) || unit;
    const line = horizontal
      ? { x: box.x, y: box.y + (box.height - thickness) / 2, width: box.width, height: thickness }
      : { x: box.x + (box.width - thickness) / 2, y: box.y, width: thickness, height: box.height };
    const paint = stroke ? ({ kind: "solid", color: stroke } as const) : fill;
    if (paint) paintBackground(scene, paint, line);
    return;
  }
  const cornerRadius = radiusIn(box, (source.radius ?? 0) * unit);
  /** The shape's outline, `inset` inside the box's edge. */
  const path = (inset: number) => {
    context.beginPath();
    if (source.shape === "circle") {
      const radius = Math.max(0, Math.min(box.width, box.height) / 2 - inset);
      context.arc(box.x + box.width / 2, box.y + box.height / 2, radius, 0, Math.PI * 2);
      context.closePath();
    } else {
      const inner = {
        x: box.x + inset,
        y: box.y + inset,
        width: Math.max(0, box.width - inset * 2),
        height: Math.max(0, box.height - inset * 2),
      };
      roundedPath(scene, inner, radiusIn(inner, cornerRadius - inset));
    }
  };
  if (fill?.kind === "solid") {
    path(0);
    context.fillStyle = toCss(fill.color);
    context.fill();
  } else if (fill) {
    path(0);
    fillClipped(scene, fill, box);
  }
  if (stroke && strokeWidth > 0) {
    // Inside the box, as CSS borders are: the outline's centre line is half the width in.
    path(strokeWidth / 2);
    context.strokeStyle = toCss(stroke);
    context.lineWidth = strokeWidth;
    context.stroke();
  }
}

function drawContent(inputs: DrawInputs, node: CardNode): void {
  switch (node.kind) {
    case "stack":
      for (const child of node.children) drawNode(inputs, child);
      return;
    case "text":
      inputs.texts.get(node)?.draw(inputs.direction);
      return;
    case "image": {
      const image = inputs.images.get(node);
      if (image) drawImageNode(inputs, node, image);
      return;
    }
    case "shape":
      drawShapeNode(inputs, node);
  }
}

/**
 * Draws a node and its children: `opacity` multiplies into everything inside it; `radius` clips
 * the node's background and its content (an image's own radius clips the image).
 */
export function drawNode(inputs: DrawInputs, node: CardNode): void {
  const { scene } = inputs;
  const { context } = scene;
  const { box, source, background } = node;
  const empty = box.width <= 0 || box.height <= 0;
  // An empty stack may still hold absolute children that hang outside it.
  if (empty && node.kind !== "stack") return;
  const opacity = source.opacity ?? 1;
  if (opacity <= 0) return;
  const radius = radiusIn(box, (source.radius ?? 0) * inputs.unit);
  // Most nodes neither clip nor fade: they draw without a save/restore of the context.
  const isolated = opacity < 1 || radius > 0;
  if (isolated) {
    context.save();
    context.globalAlpha *= opacity;
  }
  if (radius > 0) {
    roundedPath(scene, box, radius);
    context.clip();
  }
  if (background && !empty) paintBackground(scene, background, box);
  drawContent(inputs, node);
  if (isolated) context.restore();
}
