// Canvas engine on skia-canvas (optional peer dependency; its install downloads a binary, so it is absent here).
import { EngineUnavailableError } from "../errors";
import {
  drawImageArguments,
  type CanvasEngine,
  type DrawingContext,
  type DrawableImage,
  type EngineCanvas,
  type ImageDataLike,
} from "./types";

/** The parts of skia-canvas's API we use (its types are not installed here). */
interface SkiaCanvasModule {
  Canvas: new (width: number, height: number) => EngineCanvas & { getContext(kind: "2d"): unknown };
  ImageData: new (data: Uint8ClampedArray, width: number, height: number) => ImageDataLike;
  FontLibrary: { use(family: string, paths: string[]): unknown };
}

interface SkiaContext {
  drawImage(image: DrawableImage, ...coordinates: number[]): void;
  getImageData(x: number, y: number, width: number, height: number): ImageDataLike;
}

/** Loads skia-canvas or explains why it cannot be used. */
export function loadSkiaCanvas(): SkiaCanvasModule {
  try {
    // A runtime require: skia-canvas is an optional peer that may be absent.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("skia-canvas") as SkiaCanvasModule;
  } catch (error) {
    throw new EngineUnavailableError(
      `CARDPRESS_ENGINE=skia-canvas, but skia-canvas cannot be loaded (${(error as Error).message.split("\n")[0]}); install it with "npm i skia-canvas" on a machine that can download its binary, or unset CARDPRESS_ENGINE`,
    );
  }
}

export function createSkiaCanvasEngine(skia: SkiaCanvasModule = loadSkiaCanvas()): CanvasEngine {
  const contexts = new WeakMap<EngineCanvas, SkiaContext>();
  return {
    name: "skia-canvas",
    createCanvas(width, height) {
      const canvas = new skia.Canvas(width, height);
      const context = canvas.getContext("2d");
      contexts.set(canvas, context as SkiaContext);
      return { canvas, context: context as DrawingContext };
    },
    createImageData(pixels, width, height) {
      return new skia.ImageData(pixels, width, height);
    },
    drawImage(context, image, source, target) {
      (context as unknown as SkiaContext).drawImage(image, ...drawImageArguments(source, target));
    },
    registerFont(path, family) {
      skia.FontLibrary.use(family, [path]);
    },
    registerFontBytes() {
      // skia-canvas's FontLibrary.use reads font files only, and the renderer writes no files.
      throw new EngineUnavailableError(
        "brand fonts need the napi engine (@napi-rs/canvas): skia-canvas registers fonts from files only; unset CARDPRESS_ENGINE",
      );
    },
    pixels(canvas) {
      const context = contexts.get(canvas);
      if (!context) throw new TypeError("canvas was not created by the skia-canvas engine");
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    },
  };
}
