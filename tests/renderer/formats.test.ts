// Every output format: real encoded bytes with the right signature, content type and dimensions.
import sharp from "sharp";
import { renderCard } from "../../renderer/render";
import { parseCardSpec } from "../../renderer/spec/validate";

const signatures: Record<string, (bytes: Buffer) => boolean> = {
  png: (bytes) =>
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  jpeg: (bytes) => bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff,
  webp: (bytes) =>
    bytes.toString("latin1", 0, 4) === "RIFF" && bytes.toString("latin1", 8, 12) === "WEBP",
  avif: (bytes) =>
    bytes.toString("latin1", 4, 8) === "ftyp" && bytes.toString("latin1", 8, 12) === "avif",
};

describe.each([
  ["png", "image/png", "png"],
  ["jpeg", "image/jpeg", "jpg"],
  ["webp", "image/webp", "webp"],
  ["avif", "image/avif", "avif"],
] as const)("%s output", (format, contentType, extension) => {
  it("has the format's signature, content type and the spec's dimensions", async () => {
    const card = await renderCard(
      parseCardSpec({ title: `A ${format} card`, format, size: "linkedin" }),
    );
    expect(signatures[format]?.(card.bytes)).toBe(true);
    expect(card.contentType).toBe(contentType);
    expect(card.extension).toBe(extension);
    const metadata = await sharp(card.bytes).metadata();
    expect(metadata.format).toBe(format === "avif" ? "heif" : format);
    expect([metadata.width, metadata.height]).toEqual([1200, 627]);
  });
});

describe("size and scale", () => {
  it.each([
    ["og", 1200, 630],
    ["x", 1600, 900],
    ["square", 1080, 1080],
    ["story", 1080, 1920],
  ] as const)("preset %s is %i×%i", async (size, width, height) => {
    const card = await renderCard(parseCardSpec({ title: "Size", size, format: "jpeg" }));
    const metadata = await sharp(card.bytes).metadata();
    expect([metadata.width, metadata.height]).toEqual([width, height]);
  });

  it("scale multiplies the pixel size and keeps the picture", async () => {
    const one = await renderCard(parseCardSpec({ title: "Same picture", template: "minimal" }));
    const two = await renderCard(
      parseCardSpec({ title: "Same picture", template: "minimal", scale: 2 }),
    );
    expect([two.width, two.height]).toEqual([2400, 1260]);
    const a = await sharp(one.bytes).removeAlpha().raw().toBuffer();
    const b = await sharp(two.bytes).resize(1200, 630).removeAlpha().raw().toBuffer();
    let difference = 0;
    for (let index = 0; index < a.length; index++)
      difference += Math.abs((a[index] ?? 0) - (b[index] ?? 0));
    expect(difference / a.length).toBeLessThan(3);
  });

  it("quality changes JPEG size", async () => {
    const low = await renderCard(parseCardSpec({ title: "Quality", format: "jpeg", quality: 30 }));
    const high = await renderCard(parseCardSpec({ title: "Quality", format: "jpeg", quality: 95 }));
    expect(high.bytes.length).toBeGreaterThan(low.bytes.length * 1.5);
  });

  it("keeps an alpha channel only when the background is translucent", async () => {
    const opaque = await sharp(
      (await renderCard(parseCardSpec({ title: "Opaque" }))).bytes,
    ).metadata();
    const clear = await sharp(
      (await renderCard(parseCardSpec({ title: "Clear", theme: { background: "transparent" } })))
        .bytes,
    ).metadata();
    expect([opaque.channels, clear.channels]).toEqual([3, 4]);
  });
});
