// Small helpers to check rendered images and make test assets.
import sharp from "sharp";

const pngMagic = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Checks the PNG signature and reads the size from the IHDR chunk. */
export function pngSize(bytes: Buffer): { width: number; height: number } {
  if (!bytes.subarray(0, 8).equals(pngMagic)) throw new Error("not a PNG (bad signature)");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Fully decodes the image (catches truncated or corrupt files) and returns its size. */
export async function decodedSize(bytes: Buffer): Promise<{ width: number; height: number }> {
  const { info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height };
}

export function solidPng(width: number, height: number): Promise<Buffer> {
  return sharp({
    create: { width, height, channels: 4, background: { r: 200, g: 40, b: 90, alpha: 1 } },
  })
    .png()
    .toBuffer();
}

/** A small card that renders in a few milliseconds. */
export function smallCard(
  id: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { id, title: `Card ${id}`, ...extra };
}

export const smallSize = { width: 320, height: 168 } as const;
