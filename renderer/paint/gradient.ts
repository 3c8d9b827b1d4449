// Linear gradients computed as pixels: exact 8-bit steps without Skia's dithering noise, which PNG cannot compress.
import type { Rgba } from "../spec/colors";

export interface GradientStop {
  color: Rgba;
  /** 0–1 along the gradient line. */
  position: number;
}

/** Fills in missing stop positions evenly between known ones, as CSS does. */
export function placeStops(
  stops: { color: Rgba; position?: number | undefined }[],
): GradientStop[] {
  const positions = stops.map((stop) => stop.position);
  if (positions[0] === undefined) positions[0] = 0;
  if (positions[positions.length - 1] === undefined) positions[positions.length - 1] = 1;
  for (let index = 1; index < positions.length; index++) {
    if (positions[index] !== undefined) continue;
    const previous = positions[index - 1] ?? 0;
    let next = index + 1;
    while (positions[next] === undefined) next++;
    const end = positions[next] ?? 1;
    positions[index] = previous + (end - previous) / (next - index + 1);
  }
  // Positions never go backwards (CSS clamps a stop to the largest position before it).
  let largest = 0;
  return stops.map((stop, index) => {
    largest = Math.max(largest, positions[index] ?? 0);
    return { color: stop.color, position: largest };
  });
}

const lutSize = 2048;

function colorLookupTable(stops: GradientStop[]): Uint8Array {
  const table = new Uint8Array(lutSize * 4);
  let segment = 0;
  for (let index = 0; index < lutSize; index++) {
    const t = index / (lutSize - 1);
    while (segment < stops.length - 2 && t > (stops[segment + 1]?.position ?? 1)) segment++;
    const from = stops[segment];
    const to = stops[Math.min(segment + 1, stops.length - 1)];
    if (!from || !to) continue;
    const span = to.position - from.position;
    const u =
      span > 0 ? Math.min(1, Math.max(0, (t - from.position) / span)) : t < from.position ? 0 : 1;
    const offset = index * 4;
    const alphaFrom = from.color.a;
    const alphaTo = to.color.a;
    const alpha = alphaFrom + (alphaTo - alphaFrom) * u;
    // Interpolated premultiplied (as CSS does), stored straight (as ImageData expects).
    const channel = (a: number, b: number) =>
      alpha > 0 ? Math.round((a * alphaFrom + (b * alphaTo - a * alphaFrom) * u) / alpha) : 0;
    table[offset] = channel(from.color.r, to.color.r);
    table[offset + 1] = channel(from.color.g, to.color.g);
    table[offset + 2] = channel(from.color.b, to.color.b);
    table[offset + 3] = Math.round(alpha * 255);
  }
  return table;
}

/**
 * One row of gradient pixels. `t` moves one way along a row, so the run clamped to the first
 * colour (t ≤ 0) is filled natively; it is a function of its own so V8 optimises it after a few
 * rows rather than interpreting a whole first gradient (most of a one-card process's drawing).
 * `t` is accumulated exactly as before: the same steps give the same bytes.
 */
function fillRow(
  words: Uint32Array,
  rowStart: number,
  width: number,
  firstT: number,
  step: number,
  tableWords: Uint32Array,
): void {
  const last = lutSize - 1;
  let t = firstT;
  let x = 0;
  while (x < width && t <= 0) {
    x++;
    t += step;
  }
  if (x > 0) words.fill(tableWords[0] ?? 0, rowStart, rowStart + x);
  for (let offset = rowStart + x, end = rowStart + width; offset < end; offset++, t += step) {
    const index = t <= 0 ? 0 : t >= last ? last : (t + 0.5) | 0;
    words[offset] = tableWords[index] ?? 0;
  }
}

/**
 * RGBA pixels of a CSS-style linear gradient (angle 0 = towards the top, 90 = towards the right;
 * the gradient line is long enough that the corners get the first and last colours).
 */
export function linearGradientPixels(
  width: number,
  height: number,
  angleDegrees: number,
  stops: GradientStop[],
): Uint8ClampedArray {
  const radians = (angleDegrees * Math.PI) / 180;
  const dx = Math.sin(radians);
  const dy = -Math.cos(radians);
  const length = Math.abs(width * dx) + Math.abs(height * dy) || 1;
  const table = colorLookupTable(stops);
  const pixels = new Uint8ClampedArray(width * height * 4);
  const words = new Uint32Array(pixels.buffer);
  const tableWords = new Uint32Array(table.buffer);
  const step = (dx / length) * (lutSize - 1);
  const centerX = width / 2;
  const centerY = height / 2;
  for (let y = 0; y < height; y++) {
    const firstT =
      (((y + 0.5 - centerY) * dy) / length + 0.5 + ((0.5 - centerX) * dx) / length) * (lutSize - 1);
    fillRow(words, y * width, width, firstT, step, tableWords);
  }
  return pixels;
}
