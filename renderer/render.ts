// renderCard: a validated card spec plus its image bytes in, one encoded image out. No I/O.
import { encodePixels, contentTypes, extensions } from "./encode";
import { getEngine } from "./engine/select";
import type { CanvasEngine } from "./engine/types";
import { AssetError, RenderError } from "./errors";
import { FontLoader } from "./fonts/loader";
import { gradientCacheOf } from "./paint/gradientCache";
import { DecodedImageCache, type DrawnBox } from "./paint/images";
import { backgroundHasAlpha, resolveTheme } from "./spec/resolveTheme";
import { isBuiltinTemplate, type CardSpec, type ImageFormat } from "./spec/schema";
import { sizePresets } from "./spec/sizes";
import { fontRegistrationText, getTemplate } from "./templates";
import type { ImageBox, Scene } from "./templates/types";

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

/** The asset names a spec refers to: what the caller must load before rendering. */
export function assetNamesOf(spec: CardSpec): string[] {
  return [spec.logo, spec.background].filter((name): name is string => typeof name === "string");
}

export function logicalSize(spec: CardSpec): { width: number; height: number } {
  return typeof spec.size === "string" ? sizePresets[spec.size] : spec.size;
}

interface EngineState {
  fonts: FontLoader;
  images: DecodedImageCache;
}
const engineStates = new WeakMap<CanvasEngine, EngineState>();

function stateOf(engine: CanvasEngine): EngineState {
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
 * A template box in device pixels, rounded up. An image the template does not draw is still
 * decoded (a broken asset fails the card as before), at one pixel.
 */
function deviceBox(box: ImageBox | undefined, scale: number): DrawnBox {
  if (!box) return { width: 1, height: 1, fit: "contain" };
  return {
    width: Math.max(1, Math.ceil(box.width * scale - 1e-9)),
    height: Math.max(1, Math.ceil(box.height * scale - 1e-9)),
    fit: box.fit,
  };
}

async function loadImage(
  state: EngineState,
  field: "logo" | "background",
  name: string | undefined,
  assets: AssetBytes,
  box: ImageBox | undefined,
  scale: number,
) {
  if (name === undefined) return undefined;
  const bytes = assets.get(name);
  if (!bytes) throw new AssetError(field, name, "was not provided (no asset with that name)");
  const image = await state.images.get(field, name, bytes, deviceBox(box, scale));
  return box ? image : undefined;
}

/** A drawn, not yet encoded, card. */
export interface DrawnCard {
  /** Raw RGBA pixels (straight alpha), `width` × `height`. */
  pixels: Uint8Array;
  width: number;
  height: number;
  drawMs: number;
  warnings: string[];
  hasAlpha: boolean;
}

/** Draws one card into raw pixels: what renderCard encodes (tests inspect it without encoding). */
export async function drawCard(
  spec: CardSpec,
  assets: AssetBytes = new Map(),
  engine: CanvasEngine = getEngine(),
): Promise<DrawnCard> {
  const state = stateOf(engine);
  if (!isBuiltinTemplate(spec.template)) {
    throw new RenderError(
      `template "${spec.template}" is not a built-in; the template engine is not wired yet`,
    );
  }
  const template = getTemplate(spec.template);
  const { width, height } = logicalSize(spec);
  const unit = Math.min(width / 1200, height / 630);
  // Images are decoded no larger than the template draws them: a 5000² logo drawn 48 px high
  // is kept as a 48 px one, not as 95 MiB of pixels.
  const boxes = template.imageBoxes({ width, height, unit, spec });
  const [logo, background] = await Promise.all([
    loadImage(state, "logo", spec.logo, assets, boxes.logo, spec.scale),
    loadImage(state, "background", spec.background, assets, boxes.background, spec.scale),
  ]);
  const drawStart = performance.now();
  const outputWidth = Math.round(width * spec.scale);
  const outputHeight = Math.round(height * spec.scale);
  const { canvas, context } = engine.createCanvas(outputWidth, outputHeight);
  context.scale(outputWidth / width, outputHeight / height);
  const theme = resolveTheme(spec, { preset: template.defaultPreset, font: template.defaultFont });
  const scene: Scene = {
    engine,
    context,
    fonts: state.fonts,
    width,
    height,
    scale: spec.scale,
    unit,
    spec,
    theme,
    images: { logo, background },
    warnings: [],
  };
  // Every font the card needs is registered before anything is measured (FontLoader.register).
  state.fonts.ensure(fontRegistrationText(spec), theme.font);
  template.draw(scene);
  const pixels = engine.pixels(canvas);
  return {
    pixels,
    width: outputWidth,
    height: outputHeight,
    drawMs: performance.now() - drawStart,
    warnings: scene.warnings,
    hasAlpha: backgroundHasAlpha(theme.background),
  };
}

/**
 * Draws and encodes one card. Drawing is synchronous on this thread (a few ms); encoding runs on
 * libuv's pool, so two renders in flight use two cores.
 */
export async function renderCard(
  spec: CardSpec,
  assets: AssetBytes = new Map(),
  engine: CanvasEngine = getEngine(),
): Promise<RenderedCard> {
  const drawn = await drawCard(spec, assets, engine);
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
