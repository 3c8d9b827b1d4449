// renderCard: a validated card spec plus its image bytes in, one encoded image out. No I/O.
import { encodePixels, contentTypes, extensions } from "./encode";
import { getEngine } from "./engine/select";
import type { CanvasEngine } from "./engine/types";
import { AssetError } from "./errors";
import { FontLoader } from "./fonts/loader";
import { DecodedImageCache } from "./paint/images";
import { backgroundHasAlpha, resolveTheme } from "./spec/resolve-theme";
import type { CardSpec, ImageFormat } from "./spec/schema";
import { sizePresets } from "./spec/sizes";
import { getTemplate } from "./templates";
import type { Scene } from "./templates/types";

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

async function loadImage(
  state: EngineState,
  field: "logo" | "background",
  name: string | undefined,
  assets: AssetBytes,
) {
  if (name === undefined) return undefined;
  const bytes = assets.get(name);
  if (!bytes) throw new AssetError(field, name, "was not provided (no asset with that name)");
  return state.images.get(field, name, bytes);
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
  const template = getTemplate(spec.template);
  const [logo, background] = await Promise.all([
    loadImage(state, "logo", spec.logo, assets),
    loadImage(state, "background", spec.background, assets),
  ]);
  const drawStart = performance.now();
  const { width, height } = logicalSize(spec);
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
    unit: Math.min(width / 1200, height / 630),
    spec,
    theme,
    images: { logo, background },
    warnings: [],
  };
  // Register every font the card needs before anything is measured (see FontLoader.register).
  const texts = [
    spec.eyebrow?.toLocaleUpperCase(),
    spec.title,
    spec.subtitle,
    spec.author,
    spec.footer,
  ];
  state.fonts.ensure(`${texts.filter(Boolean).join("\n")} · …`, theme.font);
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
