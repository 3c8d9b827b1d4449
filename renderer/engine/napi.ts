// Canvas engine on @napi-rs/canvas (Skia, prebuilt binaries from npm): the default engine.
import { Canvas, GlobalFonts, ImageData, type Image, type SKRSContext2D } from "@napi-rs/canvas";
import {
  drawImageArguments,
  type CanvasEngine,
  type DrawingContext,
  type EngineCanvas,
} from "./types";

function asNapiCanvas(canvas: EngineCanvas): Canvas {
  if (!(canvas instanceof Canvas)) throw new TypeError("canvas was not created by the napi engine");
  return canvas;
}

export function createNapiEngine(): CanvasEngine {
  return {
    name: "napi",
    createCanvas(width, height) {
      const canvas = new Canvas(width, height);
      const context: SKRSContext2D = canvas.getContext("2d");
      return { canvas, context: context as unknown as DrawingContext };
    },
    createImageData(pixels, width, height) {
      return new ImageData(pixels, width, height);
    },
    drawImage(context, image, source, target) {
      (context as unknown as SKRSContext2D).drawImage(
        image as Image | Canvas,
        ...drawImageArguments(source, target),
      );
    },
    registerFont(path, family) {
      if (!GlobalFonts.registerFromPath(path, family)) {
        throw new Error(`could not register font ${path} as ${family}`);
      }
    },
    registerFontBytes(bytes, family) {
      // Never removed: GlobalFonts.remove un-names a font but keeps its memory (measured).
      const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      return GlobalFonts.register(data, family) !== null;
    },
    pixels(canvas) {
      // getImageData is ~10× faster than canvas.data() here (0.6 ms against 5–10 ms for 1200×630).
      const napiCanvas = asNapiCanvas(canvas);
      const { data } = napiCanvas
        .getContext("2d")
        .getImageData(0, 0, napiCanvas.width, napiCanvas.height);
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    },
  };
}
