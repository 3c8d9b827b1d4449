// renderCard: a validated card spec plus its image bytes in, one encoded image out. No I/O.
import { encodePixels, contentTypes, extensions } from "./encode";
import { getEngine } from "./engine/select";
import type { CanvasEngine } from "./engine/types";
import { AssetError, RenderError, requireAsset } from "./errors";
import { registerBrandFonts, withBrandFamilies } from "./fonts/brandFonts";
import { FontLoader } from "./fonts/loader";
import { gradientCacheOf } from "./paint/gradientCache";
import { DecodedImageCache } from "./paint/images";
import {
  isBuiltinTemplate,
  type CardSpec,
  type ImageFormat,
  type TemplateName,
} from "./spec/schema";
import { cardDimensions } from "./spec/sizes";
import {
  drawTemplateCard,
  shippedFontsFor,
  templateAssetNames,
  type ParsedTemplate,
  type TemplateDrawing,
} from "./template";
import { builtinAssetField, builtinTemplate } from "./builtins";

/** Image bytes by asset name, as loaded by the caller (the renderer reads no files or URLs of its own). */
export type AssetBytes = ReadonlyMap<string, Uint8Array>;

export interface RenderedCard {
  bytes: Buffer;
  format: ImageFormat;
  contentType: string;
  extension: string;
  /** Output size in pixels (after scale). */
  width: number;
  height: number;
  drawMs: number;
  encodeMs: number;
  /** Non-fatal notes, e.g. a title clamped with an ellipsis or characters no font covers. */
  warnings: string[];
}

/**
 * The asset names a spec refers to: what the caller must load before rendering. With its
 * template: also the template's image params' values (the card's, else their defaults), its
 * literal image sources and its brand font files.
 */
export function assetNamesOf(spec: CardSpec, template?: ParsedTemplate): string[] {
  const names = [spec.logo, spec.background].filter(
    (name): name is string => typeof name === "string",
  );
  if (template) names.push(...templateAssetNames(template.document, spec.params));
  return [...new Set(names)];
}

/** The card's logical size: its own, else its template's (built-ins: og). */
export function logicalSize(
  spec: CardSpec,
  template?: ParsedTemplate,
): { width: number; height: number } {
  return cardDimensions(spec, template?.document.size);
}

export interface EngineState {
  fonts: FontLoader;
  images: DecodedImageCache;
}
const engineStates = new WeakMap<CanvasEngine, EngineState>();

/** The font loader and decoded-image cache kept for `engine` (tests lay cards out with them). */
export function stateOf(engine: CanvasEngine): EngineState {
  let state = engineStates.get(engine);
  if (!state) {
    state = { fonts: new FontLoader(engine), images: new DecodedImageCache(engine) };
    engineStates.set(engine, state);
  }
  return state;
}

/**
 * Bytes the renderer keeps between cards for `engine` (decoded images and gradients, estimated
 * as width × height × 4), each at most its budget in limits.cacheBudgets.
 */
export function cacheUsage(engine: CanvasEngine = getEngine()): {
  decodedImageBytes: number;
  gradientBytes: number;
} {
  return {
    decodedImageBytes: stateOf(engine).images.bytes,
    gradientBytes: gradientCacheOf(engine).bytes,
  };
}

/**
 * Checks a card's image that its built-in does not draw (a background on classic), as every
 * built-in did before they became templates: a missing or broken asset fails the card. Decoded at
 * one pixel (and kept: a batch's shared asset is checked once).
 */
async function checkUndrawnImage(
  state: EngineState,
  field: string,
  name: string,
  assets: AssetBytes,
): Promise<void> {
  const bytes = requireAsset(assets, field, name);
  await state.images.get(field, name, bytes, { width: 1, height: 1, fit: "contain" });
}

/** A drawn, not yet encoded, card: raw RGBA pixels (straight alpha), `width` × `height`. */
export type DrawnCard = TemplateDrawing;

/**
 * Draws one card into raw pixels: what renderCard encodes (tests inspect it without encoding).
 * A card whose template is not a built-in is drawn by the template engine with `template`, which
 * the caller loaded (the renderer reads no files): without it, a RenderError naming the template.
 */
export async function drawCard(
  spec: CardSpec,
  assets: AssetBytes = new Map(),
  engine: CanvasEngine = getEngine(),
  parsedTemplate?: ParsedTemplate,
): Promise<DrawnCard> {
  if (parsedTemplate) return drawTemplated(spec, parsedTemplate, assets, engine);
  if (!isBuiltinTemplate(spec.template)) {
    throw new RenderError(
      `template "${spec.template}" is not a built-in and was not given to the renderer; load it (by name, or by its pinned templateVersion) and pass it to renderCard`,
    );
  }
  return drawBuiltin({ ...spec, template: spec.template }, assets, engine);
}

/** Any card through the template engine, with its template's brand fonts registered first. */
async function drawTemplated(
  spec: CardSpec,
  parsedTemplate: ParsedTemplate,
  assets: AssetBytes,
  engine: CanvasEngine,
): Promise<DrawnCard> {
  const state = stateOf(engine);
  // Brand fonts are checked and registered before layout: a bad file fails the card here.
  const brand = registerBrandFonts(engine, parsedTemplate.document.fonts, assets);
  const fontsFor = withBrandFamilies(brand, shippedFontsFor);
  return drawTemplateCard(spec, parsedTemplate, { engine, ...state, assets, fontsFor });
}

/**
 * A built-in is a template document (renderer/builtins/) drawn by the same engine, with the card's
 * fields as its params. Asset errors name the card's field (`background`), not the param.
 */
async function drawBuiltin(
  spec: CardSpec & { template: TemplateName },
  assets: AssetBytes,
  engine: CanvasEngine,
): Promise<DrawnCard> {
  const builtin = builtinTemplate(spec);
  const state = stateOf(engine);
  await Promise.all(
    builtin.undrawn.map(({ field, name }) => checkUndrawnImage(state, field, name, assets)),
  );
  try {
    return await drawTemplated(builtin.spec, builtin.template, assets, engine);
  } catch (error) {
    const field = error instanceof AssetError ? builtinAssetField(error.field) : undefined;
    if (!(error instanceof AssetError) || field === error.field || field === undefined) throw error;
    const reason = error.message.slice(`${error.field} "${error.asset}": `.length);
    throw new AssetError(field, error.asset, reason);
  }
}

/**
 * Draws and encodes one card. Drawing is synchronous on this thread (a few ms); encoding runs on
 * libuv's pool, so two renders in flight use two cores.
 */
export async function renderCard(
  spec: CardSpec,
  assets: AssetBytes = new Map(),
  engine: CanvasEngine = getEngine(),
  template?: ParsedTemplate,
): Promise<RenderedCard> {
  const drawn = await drawCard(spec, assets, engine, template);
  const { pixels, width: outputWidth, height: outputHeight, drawMs } = drawn;
  const encodeStart = performance.now();
  const bytes = await encodePixels(pixels, outputWidth, outputHeight, {
    format: spec.format,
    quality: spec.quality,
    hasAlpha: drawn.hasAlpha,
  });
  return {
    bytes,
    format: spec.format,
    contentType: contentTypes[spec.format],
    extension: extensions[spec.format],
    width: outputWidth,
    height: outputHeight,
    drawMs,
    encodeMs: performance.now() - encodeStart,
    warnings: drawn.warnings,
  };
}
