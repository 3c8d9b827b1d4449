// The small surface of a 2D canvas engine that cardpress draws with, so engines can be swapped.

/** A decoded image ready to draw. */
export interface DrawableImage {
  readonly width: number;
  readonly height: number;
}

export interface TextMetricsLike {
  readonly width: number;
  readonly actualBoundingBoxAscent: number;
  readonly actualBoundingBoxDescent: number;
}

export interface ImageDataLike {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/** The subset of CanvasRenderingContext2D the templates use. */
export interface DrawingContext {
  fillStyle: unknown;
  strokeStyle: unknown;
  lineWidth: number;
  font: string;
  textAlign: "left" | "right" | "center" | "start" | "end";
  textBaseline: "top" | "hanging" | "middle" | "alphabetic" | "ideographic" | "bottom";
  direction: "ltr" | "rtl" | "inherit";
  globalAlpha: number;
  /** CSS font-variation-settings (`"wght" 700`): picks a variable font's instance. */
  fontVariationSettings?: string;
  imageSmoothingEnabled: boolean;
  imageSmoothingQuality: "low" | "medium" | "high";
  save(): void;
  restore(): void;
  scale(x: number, y: number): void;
  translate(x: number, y: number): void;
  beginPath(): void;
  closePath(): void;
  rect(x: number, y: number, width: number, height: number): void;
  roundRect(x: number, y: number, width: number, height: number, radii: number | number[]): void;
  arc(x: number, y: number, radius: number, start: number, end: number): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  fill(): void;
  stroke(): void;
  clip(): void;
  fillRect(x: number, y: number, width: number, height: number): void;
  fillText(text: string, x: number, y: number): void;
  measureText(text: string): TextMetricsLike;
  putImageData(data: ImageDataLike, x: number, y: number): void;
}

/** A canvas; it is also drawable into another canvas. */
export interface EngineCanvas extends DrawableImage {
  readonly width: number;
  readonly height: number;
}

/** One canvas implementation (Skia through @napi-rs/canvas or skia-canvas). */
export interface CanvasEngine {
  readonly name: "napi" | "skia-canvas";
  createCanvas(width: number, height: number): { canvas: EngineCanvas; context: DrawingContext };
  /** Makes an ImageData the engine accepts in putImageData. */
  createImageData(pixels: Uint8ClampedArray, width: number, height: number): ImageDataLike;
  drawImage(
    context: DrawingContext,
    image: DrawableImage,
    source: ImageRect,
    target: ImageRect,
  ): void;
  registerFont(path: string, family: string): void;
  /**
   * Registers a font from its bytes (TTF, OTF, WOFF or WOFF2) under `family`, for the life of the
   * process. False when the engine rejects the bytes.
   */
  registerFontBytes(bytes: Uint8Array, family: string): boolean;
  /** Raw RGBA pixels (straight, not premultiplied, alpha) of the whole canvas. */
  pixels(canvas: EngineCanvas): Uint8Array;
}

export interface ImageRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** drawImage's nine-argument form wants the source and target rectangles spread out. */
export function drawImageArguments(
  source: ImageRect,
  target: ImageRect,
): [number, number, number, number, number, number, number, number] {
  return [
    source.x,
    source.y,
    source.width,
    source.height,
    target.x,
    target.y,
    target.width,
    target.height,
  ];
}
