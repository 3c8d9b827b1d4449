// The template engine's pixels: backgrounds, gradients, radius, opacity, shapes, images (cover, focus, contain, round), text, RTL, errors and determinism.
import sharp from "sharp";
import { getEngine } from "../../../renderer/engine/select";
import { AssetError, RenderError, SpecValidationError } from "../../../renderer/errors";
import { assetNamesOf, renderCard, type AssetBytes } from "../../../renderer/render";
import type { CardSpecInput } from "../../../renderer/spec/schema";
import { parseCardSpec } from "../../../renderer/spec/validate";
import { templateHash } from "../../../renderer/template/hash";
import {
  templateDocumentSchema,
  type TemplateDocumentInput,
  type TemplateNodeInput,
} from "../../../renderer/template/schema";
import type { ParsedTemplate } from "../../../renderer/template/types";
import { distance, hex, pixelAt, scan, type Pixels, type Rgb } from "../../support/pixels";

const engine = getEngine();

function parsed(input: TemplateDocumentInput): ParsedTemplate {
  const document = templateDocumentSchema.parse(input);
  return { document, hash: templateHash(document) };
}

/** A 1200×630 card on white whose root holds `children` (absolute ones where they say). */
function onWhite(children: TemplateNodeInput[], extra: Partial<TemplateDocumentInput> = {}) {
  return parsed({
    name: "test/pixels",
    params: {
      title: { type: "text" },
      photo: { type: "image" },
      accent: { type: "color", default: "#2563eb" },
    },
    root: { type: "stack", background: "#ffffff", children },
    ...extra,
  });
}

async function render(
  template: ParsedTemplate,
  card: Partial<CardSpecInput> = {},
  assets: AssetBytes = new Map(),
): Promise<Pixels> {
  const spec = parseCardSpec({ title: "x", template: template.document.name, ...card });
  const rendered = await renderCard(spec, assets, engine, template);
  const { data, info } = await sharp(rendered.bytes)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, card: rendered };
}

const near = (pixel: Rgb, color: string, tolerance = 3) => distance(pixel, hex(color)) <= tolerance;

const at = (left: number, top: number, width: number, height: number) => ({
  position: "absolute" as const,
  left,
  top,
  width,
  height,
});

/** A PNG whose left half is red and right half blue (and top rows of the left half green). */
async function halvesPng(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const offset = (y * width + x) * 3;
      const color = x < width / 2 ? [220, 30, 30] : [30, 30, 220];
      pixels.set(color, offset);
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

describe("backgrounds, radius and opacity", () => {
  it("paints colours, {{param}} colours and exact gradients", async () => {
    const pixels = await render(
      onWhite([
        { type: "stack", ...at(0, 0, 100, 100), background: "#ff8800" },
        { type: "stack", ...at(100, 0, 100, 100), background: "{{accent}}" },
        {
          type: "stack",
          ...at(200, 0, 400, 100),
          background: {
            type: "linear",
            angle: 90,
            stops: [{ color: "#000000" }, { color: "#ffffff" }],
          },
        },
      ]),
    );
    expect(near(pixelAt(pixels, 50, 50), "#ff8800")).toBe(true);
    expect(near(pixelAt(pixels, 150, 50), "#2563eb")).toBe(true);
    // Left to right, dark to light; the middle mid-grey.
    expect(pixelAt(pixels, 202, 50)[0]).toBeLessThan(10);
    expect(pixelAt(pixels, 597, 50)[0]).toBeGreaterThan(245);
    expect(Math.abs(pixelAt(pixels, 400, 50)[0] - 128)).toBeLessThan(6);
    expect(near(pixelAt(pixels, 700, 50), "#ffffff")).toBe(true);
  });

  it("a card's colour param wins over its default", async () => {
    const pixels = await render(
      onWhite([{ type: "stack", ...at(0, 0, 100, 100), background: "{{accent}}" }]),
      { params: { accent: "#16a34a" } },
    );
    expect(near(pixelAt(pixels, 50, 50), "#16a34a")).toBe(true);
  });

  it("clips a node's background (and its children) to its radius", async () => {
    const pixels = await render(
      onWhite([
        {
          type: "stack",
          ...at(100, 100, 200, 200),
          background: "#000000",
          radius: 100,
          children: [{ type: "shape", shape: "rect", width: 200, height: 200, fill: "#ff0000" }],
        },
      ]),
    );
    expect(near(pixelAt(pixels, 200, 200), "#ff0000")).toBe(true);
    // The corner of the box is outside the circle: the white card shows.
    expect(near(pixelAt(pixels, 105, 105), "#ffffff")).toBe(true);
    expect(near(pixelAt(pixels, 295, 295), "#ffffff")).toBe(true);
  });

  it("multiplies opacity into a node and its children", async () => {
    const pixels = await render(
      onWhite([
        {
          type: "stack",
          ...at(0, 0, 200, 100),
          opacity: 0.5,
          background: "#000000",
          children: [
            {
              type: "shape",
              shape: "rect",
              width: 100,
              height: 100,
              opacity: 0.5,
              fill: "#000000",
            },
          ],
        },
      ]),
    );
    // Black at 50% over white: 128; the child at 25% over that: ~96.
    expect(Math.abs(pixelAt(pixels, 150, 50)[0] - 128)).toBeLessThanOrEqual(2);
    expect(Math.abs(pixelAt(pixels, 50, 50)[0] - 96)).toBeLessThanOrEqual(2);
  });
});

describe("shapes", () => {
  it("draws rect, circle and line with fill, stroke and radius", async () => {
    const pixels = await render(
      onWhite([
        {
          type: "shape",
          shape: "rect",
          ...at(0, 0, 100, 100),
          fill: "#ff0000",
          stroke: "#000000",
          strokeWidth: 10,
        },
        { type: "shape", shape: "circle", ...at(200, 0, 100, 100), fill: "{{accent}}" },
        { type: "shape", shape: "line", ...at(400, 0, 300, 20), stroke: "#00aa00", strokeWidth: 4 },
        { type: "shape", shape: "rect", ...at(800, 0, 100, 100), radius: 50, fill: "#000000" },
      ]),
    );
    expect(near(pixelAt(pixels, 50, 50), "#ff0000")).toBe(true);
    expect(near(pixelAt(pixels, 3, 50), "#000000")).toBe(true);
    expect(near(pixelAt(pixels, 12, 50), "#ff0000")).toBe(true);
    expect(near(pixelAt(pixels, 250, 50), "#2563eb")).toBe(true);
    expect(near(pixelAt(pixels, 203, 3), "#ffffff")).toBe(true);
    // The line: 4 px through the middle of its 20 px box.
    expect(near(pixelAt(pixels, 550, 10), "#00aa00")).toBe(true);
    expect(near(pixelAt(pixels, 550, 3), "#ffffff")).toBe(true);
    expect(near(pixelAt(pixels, 850, 50), "#000000")).toBe(true);
    expect(near(pixelAt(pixels, 803, 3), "#ffffff")).toBe(true);
  });
});

describe("images", () => {
  const photo = halvesPng(400, 200);

  it("covers the box, keeping the focus point in view", async () => {
    const assets = new Map([["people/photo.png", await photo]]);
    const node = (left: number, focus?: { x: number; y: number }) =>
      ({
        type: "image",
        src: "{{photo}}",
        ...at(left, 0, 100, 100),
        ...(focus && { focus }),
      }) as TemplateNodeInput;
    const pixels = await render(
      onWhite([node(0), node(200, { x: 0, y: 0.5 }), node(400, { x: 1, y: 0.5 })]),
      { params: { photo: "people/photo.png" } },
      assets,
    );
    // Centred: the middle of the image, half red and half blue.
    expect(pixelAt(pixels, 20, 50)[0]).toBeGreaterThan(200);
    expect(pixelAt(pixels, 80, 50)[2]).toBeGreaterThan(200);
    // Focus at the left edge: all red; at the right edge: all blue.
    expect(scan(pixels, { x: 200, y: 0, width: 100, height: 100 }, (p) => p[0] > 200).count).toBe(
      10_000,
    );
    expect(scan(pixels, { x: 400, y: 0, width: 100, height: 100 }, (p) => p[2] > 200).count).toBe(
      10_000,
    );
  });

  it("draws a round avatar with radius = half its size, and contains with letterboxing", async () => {
    const assets = new Map([["photo.png", await photo]]);
    const pixels = await render(
      onWhite([
        { type: "image", src: "photo.png", ...at(0, 0, 200, 200), radius: 100 },
        { type: "image", src: "photo.png", ...at(300, 0, 200, 200), fit: "contain" },
      ]),
      {},
      assets,
    );
    expect(near(pixelAt(pixels, 5, 5), "#ffffff")).toBe(true);
    expect(pixelAt(pixels, 60, 100)[0]).toBeGreaterThan(200);
    // Contained 400×200 in 200×200: 200×100 in the middle, white above and below.
    expect(near(pixelAt(pixels, 400, 20), "#ffffff")).toBe(true);
    expect(pixelAt(pixels, 320, 100)[0]).toBeGreaterThan(200);
    expect(pixelAt(pixels, 480, 100)[2]).toBeGreaterThan(200);
  });

  it("names the param of a missing image asset, and lists the assets a card needs", async () => {
    const template = onWhite([{ type: "image", src: "{{photo}}", width: 100, height: 100 }]);
    const attempt = render(template, { params: { photo: "people/ada.jpg" } });
    await expect(attempt).rejects.toThrow(AssetError);
    await expect(attempt).rejects.toThrow(/params\.photo "people\/ada\.jpg"/);
    const withFonts = onWhite(
      [
        { type: "image", src: "{{photo}}", width: 100, height: 100 },
        { type: "image", src: "brand/mark.png", width: 100, height: 100 },
      ],
      { fonts: [{ family: "Brand", src: "fonts/brand.woff2" }] },
    );
    const spec = parseCardSpec({
      title: "x",
      template: "test/pixels",
      logo: "logo.png",
      params: { photo: "people/ada.jpg" },
    });
    expect(assetNamesOf(spec, withFonts)).toEqual([
      "logo.png",
      "people/ada.jpg",
      "brand/mark.png",
      "fonts/brand.woff2",
    ]);
  });
});

describe("text", () => {
  const template = (extra: Record<string, unknown> = {}) =>
    onWhite([
      {
        type: "stack",
        padding: 40,
        grow: 1,
        children: [
          {
            type: "text",
            text: "{{title}}",
            color: "#000000",
            font: { size: 60, weight: 800 },
            ...extra,
          } as TemplateNodeInput,
        ],
      },
    ]);
  const dark = (pixel: Rgb) => pixel[0] < 100;

  it("aligns start, center and end, and mirrors start in an RTL card", async () => {
    const band = { x: 0, y: 40, width: 1200, height: 72 };
    const extent = async (align: string, text = "Hello") => {
      const pixels = await render(template({ align }), { params: { title: text } });
      return scan(pixels, band, dark);
    };
    const start = await extent("start");
    expect(start.minX).toBeGreaterThanOrEqual(40);
    expect(start.minX).toBeLessThan(50);
    const center = await extent("center");
    expect(Math.abs((center.minX + center.maxX) / 2 - 600)).toBeLessThan(6);
    const end = await extent("end");
    expect(end.maxX).toBeLessThanOrEqual(1160);
    expect(end.maxX).toBeGreaterThan(1150);
    const rtl = await extent("start", "שלום עולם");
    expect(rtl.maxX).toBeLessThanOrEqual(1160);
    expect(rtl.maxX).toBeGreaterThan(1145);
  });

  it("draws a {{param}} colour", async () => {
    const pixels = await render(template({ color: "{{accent}}" }), { params: { title: "Hello" } });
    const blue = scan(pixels, { x: 0, y: 40, width: 600, height: 72 }, (p) =>
      near(p, "#2563eb", 10),
    );
    expect(blue.count).toBeGreaterThan(200);
  });
});

describe("the card", () => {
  const template = onWhite([
    { type: "text", text: "{{title}}", font: { size: [24, 80] }, color: "#111111" },
    { type: "shape", shape: "circle", width: 100, height: 100, fill: "{{accent}}" },
  ]);

  it("renders the same bytes whatever was rendered before", async () => {
    const card = { params: { title: "Déterminisme 你好 🎉" } };
    const first = await render(template, card);
    await render(onWhite([{ type: "text", text: "مرحبا {{title}}" }]), { params: { title: "x" } });
    const second = await render(template, card);
    expect(second.card.bytes.equals(first.card.bytes)).toBe(true);
  });

  it("drops the alpha channel when every pixel is opaque, keeps it otherwise", async () => {
    const opaque = await renderCard(
      parseCardSpec({ title: "x", template: "t/a" }),
      new Map(),
      engine,
      template,
    );
    const clear = await renderCard(
      parseCardSpec({ title: "x", template: "t/a" }),
      new Map(),
      engine,
      parsed({ name: "t/a", root: { type: "shape", shape: "circle", fill: "red" } }),
    );
    expect((await sharp(opaque.bytes).metadata()).channels).toBe(3);
    expect((await sharp(clear.bytes).metadata()).channels).toBe(4);
  });

  it("fails without its template, with a missing required param, or pinned to another version", async () => {
    const spec = parseCardSpec({ title: "x", template: "brand/quote" });
    await expect(renderCard(spec)).rejects.toThrow(RenderError);
    await expect(renderCard(spec)).rejects.toThrow(/"brand\/quote"/);
    const required = parsed({
      name: "brand/quote",
      params: { quote: { type: "text", required: true } },
      root: { type: "text", text: "{{quote}}" },
    });
    const missing = renderCard(spec, new Map(), engine, required);
    await expect(missing).rejects.toThrow(SpecValidationError);
    await expect(missing).rejects.toMatchObject({ issues: [{ path: "params.quote" }] });
    const pinned = parseCardSpec({
      title: "x",
      template: "brand/quote",
      templateVersion: "0".repeat(64),
      params: { quote: "q" },
    });
    await expect(renderCard(pinned, new Map(), engine, required)).rejects.toThrow(
      /pinned to version 0{64}/,
    );
  });
});
