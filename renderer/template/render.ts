// Draws one card from a template document: params, layout (yoga), images at their laid-out size, then paint.
import type { CanvasEngine, DrawableImage, EngineCanvas } from "../engine/types";
import { RenderError, requireAsset } from "../errors";
import type { FontLoader } from "../fonts/loader";
import type { PrimaryFontName } from "../fonts/catalog";
import type { DecodedImageCache } from "../paint/images";
import { backgroundHasAlpha } from "../spec/resolveTheme";
import type { CardSpec } from "../spec/schema";
import { cardDimensions, dimensionsOf } from "../spec/sizes";
import type { Scene } from "../templates/types";
import { compiledTree, isTallCard } from "./compile";
import { drawNode } from "./draw";
import { shippedFontsFor, type FontsFor } from "./fonts";
import { instantiate, walk, type CardImage, type CardNode, type CardText } from "./instance";
import { layoutEngine, layoutTree, type LayoutFrame } from "./layout";
import { resolveParams, stringParam, type ResolvedParams } from "./params";
import type { TemplateDocument } from "./schema";
import { resolveDirection, type Direction } from "../text/direction";
import { TextBlock } from "./text";
import type { ParsedTemplate } from "./types";

/** What the engine draws with: the caller's per-engine font loader and decoded-image cache. */
export interface TemplateRenderContext {
  engine: CanvasEngine;
  fonts: FontLoader;
  images: DecodedImageCache;
  assets: ReadonlyMap<string, Uint8Array>;
  /** How `font.family` is drawn; brand fonts (renderer/fonts/brand*.ts) supply their own. */
  fontsFor?: FontsFor;
}

export interface TemplateDrawing {
  pixels: Uint8Array;
  width: number;
  height: number;
  drawMs: number;
  warnings: string[];
  hasAlpha: boolean;
}

/** The template's default size: lengths in the template are px at this size. */
function templateSize(document: TemplateDocument): { width: number; height: number } {
  return dimensionsOf(document.size);
}

/** The text param whose script decides an `auto` card's direction: declared, else the first text param. */
function directionParam(document: TemplateDocument): string | undefined {
  if (document.direction !== undefined) return document.direction;
  return Object.entries(document.params).find(([, definition]) => definition.type === "text")?.[0];
}

/** Fails fast when a card pinned to one template version is given another. */
function checkVersion(spec: CardSpec, template: ParsedTemplate): void {
  if (spec.templateVersion !== undefined && spec.templateVersion !== template.hash) {
    throw new RenderError(
      `template "${spec.template}": the card is pinned to version ${spec.templateVersion}, but version ${template.hash} was given`,
    );
  }
}

/** The device box an image node is decoded at (at least one pixel). */
function deviceBoxOf(node: CardImage, scale: number) {
  const device = (length: number) => Math.max(1, Math.ceil(length * scale - 1e-9));
  return {
    width: device(node.box.width),
    height: device(node.box.height),
    fit: node.source.fit ?? "cover",
    focus: node.source.focus,
  };
}

/** Decodes every drawn image at its laid-out device size (a broken asset fails the card). */
async function loadImages(
  root: CardNode,
  context: TemplateRenderContext,
  scale: number,
): Promise<Map<CardNode, DrawableImage>> {
  const nodes = [...walk(root)].filter(
    (node): node is CardImage & { asset: NonNullable<CardImage["asset"]> } =>
      node.kind === "image" && node.asset !== undefined,
  );
  const decoded = await Promise.all(
    nodes.map((node) => {
      const bytes = requireAsset(context.assets, node.asset.field, node.asset.name);
      return context.images.get(node.asset.field, node.asset.name, bytes, deviceBoxOf(node, scale));
    }),
  );
  return new Map(nodes.map((node, index) => [node, decoded[index] as DrawableImage]));
}

/** True when the root paints every pixel opaque: an opaque background over the whole card. */
function rootIsOpaque(root: CardNode | undefined, width: number, height: number): boolean {
  if (!root?.background || (root.source.opacity ?? 1) < 1 || (root.source.radius ?? 0) > 0) {
    return false;
  }
  const { box, background } = root;
  const covers =
    box.x <= 0 && box.y <= 0 && box.x + box.width >= width && box.y + box.height >= height;
  return covers && !backgroundHasAlpha(background);
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** True when some pixel is translucent: the output keeps its alpha channel only then. */
function anyTranslucent(pixels: Uint8Array): boolean {
  if (littleEndian && pixels.byteOffset % 4 === 0) {
    // Four bytes at a time: the alpha byte is the high byte of each little-endian word.
    const words = new Uint32Array(pixels.buffer, pixels.byteOffset, pixels.byteLength >> 2);
    for (let index = 0; index < words.length; index++) {
      if ((words[index] ?? 0) < 0xff000000) return true;
    }
    return false;
  }
  for (let index = 3; index < pixels.length; index += 4) if (pixels[index] !== 255) return true;
  return false;
}

/**
 * Text blocks for every text node, their fonts registered first: a font's name never changes
 * once text has been measured with it (FontLoader.register).
 */
function textBlocks(
  root: CardNode,
  scene: Scene,
  fontsFor: FontsFor,
  unit: number,
): Map<CardNode, TextBlock> {
  const texts = [...walk(root)].filter((node): node is CardText => node.kind === "text");
  const byPrimary = new Map<PrimaryFontName, string[]>();
  const chosen = texts.map((node) => {
    const choice = fontsFor(node.source.font?.family);
    if (choice.warning && !scene.warnings.includes(choice.warning))
      scene.warnings.push(choice.warning);
    byPrimary.set(choice.primary, [...(byPrimary.get(choice.primary) ?? []), node.text]);
    return { node, choice };
  });
  for (const [primary, strings] of byPrimary)
    scene.fonts.ensure(`${strings.join("\n")} …`, primary);
  // Measuring records its warnings here, apart from the card's (yoga measures a node many times);
  // each block's fit takes back only the warnings it added.
  const quiet: Scene = { ...scene, warnings: [] };
  return new Map(
    chosen.map(({ node, choice }) => [node, new TextBlock(node, quiet, scene, unit, choice)]),
  );
}

/**
 * Lays the card out: a first layout measures text at its largest size; text that then fits its
 * box only smaller (or clamped) is re-measured at that size and the tree laid out again, so that
 * the boxes around it close up (a title fitted at 48 px does not keep a 76 px line's height).
 */
function layOut(
  yoga: Awaited<ReturnType<typeof layoutEngine>>,
  root: CardNode,
  frame: LayoutFrame,
  texts: Map<CardNode, TextBlock>,
): void {
  const measureOf = (node: CardText) => {
    const block = texts.get(node);
    if (!block) throw new Error(`no text block for ${node.label}`);
    return block.measure;
  };
  layoutTree(yoga, root, frame, measureOf, () =>
    [...texts.values()].filter((block) => block.settle()).map((block) => block.node),
  );
}

/** A card laid out and ready to paint: its tree (every node's `box` set) on a fresh canvas. */
export interface LaidOutCard {
  /** Undefined when the root is hidden (a tall override) or left out by its `if`. */
  root: CardNode | undefined;
  scene: Scene;
  canvas: EngineCanvas;
  texts: Map<CardNode, TextBlock>;
  direction: Direction;
  unit: number;
  layoutMs: number;
}

/**
 * Lays `spec` out with `template`: the card's params over the template's defaults, at the card's
 * size (template lengths scaled by `unit`), on a canvas of the card's output size.
 */
export async function layOutTemplateCard(
  spec: CardSpec,
  template: ParsedTemplate,
  context: TemplateRenderContext,
): Promise<LaidOutCard> {
  checkVersion(spec, template);
  const { document } = template;
  const params: ResolvedParams = resolveParams(document, spec.params);
  const yoga = await layoutEngine();
  const start = performance.now();
  const { width, height } = cardDimensions(spec, document.size);
  const reference = templateSize(document);
  const unit = Math.min(width / reference.width, height / reference.height);
  const tree = compiledTree(template, isTallCard(width, height));
  const root = tree ? instantiate(tree, params) : undefined;
  const directionSource = directionParam(document);
  const direction = resolveDirection(
    spec.direction,
    (directionSource && stringParam(params, directionSource)) ?? "",
  );
  const outputWidth = Math.round(width * spec.scale);
  const outputHeight = Math.round(height * spec.scale);
  const { canvas, context: drawing } = context.engine.createCanvas(outputWidth, outputHeight);
  drawing.scale(outputWidth / width, outputHeight / height);
  const scene: Scene = {
    engine: context.engine,
    context: drawing,
    fonts: context.fonts,
    width,
    height,
    scale: spec.scale,
    unit,
    spec,
    warnings: [],
  };
  let texts = new Map<CardNode, TextBlock>();
  if (root) {
    texts = textBlocks(root, scene, context.fontsFor ?? shippedFontsFor, unit);
    layOut(yoga, root, { width, height, unit, scale: spec.scale, direction }, texts);
  }
  return { root, scene, canvas, texts, direction, unit, layoutMs: performance.now() - start };
}

/** Draws `spec` with `template`: laid out, its images decoded at their laid-out size, painted. */
export async function drawTemplateCard(
  spec: CardSpec,
  template: ParsedTemplate,
  context: TemplateRenderContext,
): Promise<TemplateDrawing> {
  const card = await layOutTemplateCard(spec, template, context);
  const { root, scene, canvas } = card;
  const images = root ? await loadImages(root, context, spec.scale) : new Map();
  const drawStart = performance.now();
  if (root)
    drawNode(
      { scene, unit: card.unit, direction: card.direction, texts: card.texts, images },
      root,
    );
  const pixels = context.engine.pixels(canvas);
  return {
    pixels,
    width: canvas.width,
    height: canvas.height,
    drawMs: card.layoutMs + performance.now() - drawStart,
    warnings: scene.warnings,
    hasAlpha: !rootIsOpaque(root, card.scene.width, card.scene.height) && anyTranslucent(pixels),
  };
}
