// Recently used gradients kept as ready canvases, within a byte budget: a batch usually shares one theme.
import type { CanvasEngine, EngineCanvas } from "../engine/types";
import { limits } from "../limits";
import { ByteBudgetCache } from "../../support";
import { linearGradientPixels, type GradientStop } from "./gradient";

const caches = new WeakMap<CanvasEngine, ByteBudgetCache<EngineCanvas>>();

/** The gradient cache of one engine (tests read its byte accounting). */
export function gradientCacheOf(engine: CanvasEngine): ByteBudgetCache<EngineCanvas> {
  let cache = caches.get(engine);
  if (!cache) {
    cache = new ByteBudgetCache(limits.cacheBudgets.gradientBytes);
    caches.set(engine, cache);
  }
  return cache;
}

/**
 * A canvas holding the gradient at device resolution. Computing 1200×630 gradient pixels costs
 * ~5 ms and putImageData ~1.5 ms; blitting a cached canvas 1:1 costs a fraction of that and, being
 * an unscaled copy, adds no dithering. Kept while it fits limits.cacheBudgets.gradientBytes
 * (width × height × 4 bytes each); one larger than the whole budget is drawn and dropped.
 */
export function gradientCanvas(
  engine: CanvasEngine,
  width: number,
  height: number,
  angleDegrees: number,
  stops: GradientStop[],
): EngineCanvas {
  const cache = gradientCacheOf(engine);
  const key = JSON.stringify([width, height, angleDegrees, stops]);
  const cached = cache.get(key);
  if (cached) return cached;
  const { canvas, context } = engine.createCanvas(width, height);
  const pixels = linearGradientPixels(width, height, angleDegrees, stops);
  context.putImageData(engine.createImageData(pixels, width, height), 0, 0);
  cache.set(key, canvas, width * height * 4);
  return canvas;
}
