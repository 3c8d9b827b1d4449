// Recently used gradients kept as ready canvases: a batch usually shares one theme.
import type { CanvasEngine, EngineCanvas } from "../engine/types";
import { linearGradientPixels, type GradientStop } from "./gradient";

const capacity = 8;
const caches = new WeakMap<CanvasEngine, Map<string, EngineCanvas>>();

/**
 * A canvas holding the gradient at device resolution. Computing 1200×630 gradient pixels costs
 * ~5 ms and putImageData ~1.5 ms; blitting a cached canvas 1:1 costs a fraction of that and, being
 * an unscaled copy, adds no dithering.
 */
export function gradientCanvas(
  engine: CanvasEngine,
  width: number,
  height: number,
  angleDegrees: number,
  stops: GradientStop[],
): EngineCanvas {
  let cache = caches.get(engine);
  if (!cache) {
    cache = new Map();
    caches.set(engine, cache);
  }
  const key = JSON.stringify([width, height, angleDegrees, stops]);
  let canvas = cache.get(key);
  if (canvas) {
    cache.delete(key);
  } else {
    const created = engine.createCanvas(width, height);
    const pixels = linearGradientPixels(width, height, angleDegrees, stops);
    created.context.putImageData(engine.createImageData(pixels, width, height), 0, 0);
    canvas = created.canvas;
  }
  cache.set(key, canvas);
  while (cache.size > capacity) {
    const oldest = cache.keys().next().value;
    if (oldest === undefined) break;
    cache.delete(oldest);
  }
  return canvas;
}
