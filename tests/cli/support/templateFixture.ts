// A small template for the CLI's template tests, written into a temporary project folder, its version hash, a pixel probe for what it renders, and the sign tests' bare environment.
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { connectionStringVariable } from "../../../cli/connection";
import { signingKeyVariable } from "../../../cli/signingSetup";
import { parseTemplate } from "../../../renderer";

/**
 * 400×200: a blue card, padding 20, a row of a 60 px square in `{{accent}}` (default red), an
 * optional 80 px round avatar (neither shrinks when the quote is long), and the quote in white.
 * Every probe below is far from an edge.
 */
export const quoteTemplate = {
  $schema: "../../schema/template.schema.json",
  name: "test/quote",
  size: { width: 400, height: 200 },
  params: {
    quote: { type: "text", required: true },
    accent: { type: "color", default: "#ff0000" },
    avatar: { type: "image" },
  },
  root: {
    type: "stack",
    direction: "row",
    padding: 20,
    gap: 20,
    align: "start",
    background: "#0000ff",
    width: "100%",
    height: "100%",
    children: [
      { type: "shape", shape: "rect", width: 60, height: 60, shrink: 0, fill: "{{accent}}" },
      {
        type: "image",
        if: "avatar",
        src: "{{avatar}}",
        width: 80,
        height: 80,
        shrink: 0,
        radius: 40,
      },
      { type: "text", text: "{{quote}}", color: "#ffffff", font: { size: 24 }, grow: 1 },
    ],
  },
};

/** Where the probes sit, in px at 400×200: inside the accent square, and the avatar's centre. */
export const probes = {
  accent: { x: 50, y: 50 },
  avatar: { x: 140, y: 60 },
  background: { x: 200, y: 185 },
};

export function writeJson(file: string, value: unknown): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  return file;
}

/** The version hash of the template file as it is now (what a push pins). */
export function templateHashOf(file: string): string {
  return parseTemplate(fs.readFileSync(file, "utf8")).hash;
}

/** No signing key or connection in the environment: `sign` gets only what each test passes (or the local stack's entry). */
export const cleanEnv = { [signingKeyVariable]: undefined, [connectionStringVariable]: undefined };

/** A solid-colour PNG (an avatar whose centre pixel is known). */
export async function writeSolidPng(
  file: string,
  rgb: { r: number; g: number; b: number },
): Promise<string> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sharp({ create: { width: 64, height: 64, channels: 3, background: rgb } })
    .png()
    .toFile(file);
  return file;
}

/** The RGB of the pixel at logical (x, y) of an encoded image, `scale` device pixels per logical px. */
export async function pixelAt(
  image: string | Buffer,
  x: number,
  y: number,
  scale = 1,
): Promise<[number, number, number]> {
  const { data, info } = await sharp(image)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const offset = (Math.round(y * scale) * info.width + Math.round(x * scale)) * info.channels;
  return [data[offset] ?? -1, data[offset + 1] ?? -1, data[offset + 2] ?? -1];
}

/** Whether two colours are within `tolerance` per channel (JPEG and antialiasing move them a little). */
export function near(
  actual: readonly number[],
  expected: readonly number[],
  tolerance = 8,
): boolean {
  return actual.every((value, index) => Math.abs(value - (expected[index] ?? 0)) <= tolerance);
}
