// Brand fonts: each format draws, the shipped fonts fill in what they lack, variable weights, hostile files, and same bytes whatever ran before.
import fs from "node:fs";
import path from "node:path";
import { getEngine } from "../../renderer/engine/select";
import type { CanvasEngine } from "../../renderer/engine/types";
import { AssetError, FontFileError, isPermanentRenderError } from "../../renderer/errors";
import { BrandFontBudgetError, brandFontRegistryOf } from "../../renderer/fonts/brandFontRegistry";
import { limits } from "../../renderer/limits";
import { drawCard, renderCard, type AssetBytes } from "../../renderer/render";
import { parseCardSpec } from "../../renderer/spec/validate";
import { templateHash } from "../../renderer/template/hash";
import { templateDocumentSchema, type BrandFont } from "../../renderer/template/schema";
import type { ParsedTemplate } from "../../renderer/template/types";
import { blockFont, variableAxis } from "../fixtures/fonts/make-fonts";

const engine = getEngine();
const fixtures = path.join(__dirname, "../fixtures/fonts");
const fixture = (file: string) => fs.readFileSync(path.join(fixtures, file));

/** A card with one black text node on white, in `family` at `weight`. */
function template(
  fonts: BrandFont[],
  family: string | undefined,
  weight = 400,
  name = "test/brand",
): ParsedTemplate {
  const document = templateDocumentSchema.parse({
    name,
    // The card's default size (og): one template px is one card px.
    size: { width: 1200, height: 630 },
    fonts,
    params: { title: { type: "text" } },
    root: {
      type: "stack",
      background: "#ffffff",
      padding: 20,
      children: [
        {
          type: "text",
          text: "{{title}}",
          color: "#000000",
          maxLines: 1,
          font: { ...(family ? { family } : {}), weight, size: 100 },
        },
      ],
    },
  });
  return { document, hash: templateHash(document) };
}

interface Drawn {
  pixels: Uint8Array;
  width: number;
  height: number;
  warnings: string[];
}

async function draw(
  parsed: ParsedTemplate,
  title: string,
  assets: AssetBytes,
  on: CanvasEngine = engine,
): Promise<Drawn> {
  const spec = parseCardSpec({ template: parsed.document.name, params: { title } });
  return drawCard(spec, assets, on, parsed);
}

/** Ink: pixels darker than mid-grey, their bounding box, and how much of the box they fill. */
function ink({ pixels, width, height }: Drawn) {
  let count = 0;
  let [left, right, top, bottom] = [width, -1, height, -1];
  let colourful = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const offset = (y * width + x) * 4;
      const [r = 0, g = 0, b = 0] = pixels.subarray(offset, offset + 3);
      if (Math.max(r, g, b) - Math.min(r, g, b) > 80) colourful += 1;
      if ((r + g + b) / 3 >= 128) continue;
      count += 1;
      [left, right] = [Math.min(left, x), Math.max(right, x)];
      [top, bottom] = [Math.min(top, y), Math.max(bottom, y)];
    }
  }
  const boxWidth = right - left + 1;
  const fill = count ? count / (boxWidth * (bottom - top + 1)) : 0;
  return { count, width: count ? boxWidth : 0, fill, colourful };
}

const brand = (src: string, weight?: number): BrandFont => ({
  family: "Brand Sans",
  src,
  ...(weight === undefined ? {} : { weight }),
});

describe("each format draws with the brand font", () => {
  // Every letter of the block font is a solid block: the ink fills most of its bounding box.
  it.each(["block.ttf", "block.otf", "block.woff", "block.woff2"])("%s", async (file) => {
    const assets = new Map([[`fonts/${file}`, fixture(file)]]);
    const drawn = await draw(template([brand(`fonts/${file}`)], "Brand Sans"), "HHHH", assets);
    expect(ink(drawn).fill).toBeGreaterThan(0.75);
    expect(drawn.warnings).toEqual([]);
  });

  it("the default font does not look like it (the probe tells them apart)", async () => {
    const drawn = await draw(template([], undefined), "HHHH", new Map());
    expect(ink(drawn).fill).toBeLessThan(0.5);
  });

  it("matches the family ignoring case, and a real WOFF (Noto Serif, OFL) draws unlike Inter", async () => {
    const assets = new Map([["fonts/block.ttf", fixture("block.ttf")]]);
    const drawn = await draw(template([brand("fonts/block.ttf")], "brand sans"), "HHHH", assets);
    expect(ink(drawn).fill).toBeGreaterThan(0.75);
    const serifFile =
      require.resolve("@fontsource/noto-serif/files/noto-serif-latin-700-normal.woff");
    const serif = await draw(
      template([brand("fonts/serif.woff", 700)], "Brand Sans", 700),
      "Hamburgefonts",
      new Map([["fonts/serif.woff", fs.readFileSync(serifFile)]]),
    );
    const inter = await draw(template([], undefined, 700), "Hamburgefonts", new Map());
    expect(ink(serif).count).toBeGreaterThan(1000);
    expect(Buffer.compare(Buffer.from(serif.pixels), Buffer.from(inter.pixels))).not.toBe(0);
  });
});

describe("fallback: the shipped fonts draw what the brand font lacks (by its own cmap)", () => {
  const assets = new Map([["fonts/block.ttf", fixture("block.ttf")]]);
  const branded = template([brand("fonts/block.ttf")], "Brand Sans");
  const shipped = template([], undefined);

  // The block font's .notdef is a hollow box: were it drawn, the pixels would differ from Noto's.
  it.each([
    ["CJK", "中文字"],
    ["Arabic", "مرحبا"],
    ["Hebrew", "שלום"],
  ])("%s is drawn by Noto exactly as without the brand font", async (_script, text) => {
    const [withBrand, without] = await Promise.all([
      draw(branded, text, assets),
      draw(shipped, text, new Map()),
    ]);
    expect(ink(withBrand).count).toBeGreaterThan(500);
    expect(Buffer.compare(Buffer.from(withBrand.pixels), Buffer.from(without.pixels))).toBe(0);
    expect(withBrand.warnings).toEqual([]);
  });

  it("emoji are drawn in colour beside brand letters", async () => {
    const drawn = await draw(branded, "HH 🎉", assets);
    const letters = await draw(branded, "HH", assets);
    expect(ink(drawn).colourful).toBeGreaterThan(500);
    expect(ink(letters).colourful).toBe(0);
    // The letters are still blocks: the emoji adds ink but does not change them.
    expect(ink(drawn).count).toBeGreaterThan(ink(letters).count);
  });
});

describe("variable fonts", () => {
  const assets = new Map([["fonts/var.ttf", fixture("block-variable.ttf")]]);
  const widthAt = async (weight: number, declared?: number) =>
    ink(await draw(template([brand("fonts/var.ttf", declared)], "Brand Sans", weight), "H", assets))
      .width;

  it("the node's weight picks the instance (wider blocks at 700 than at 400)", async () => {
    const [regular, bold, heaviest] = [await widthAt(400), await widthAt(700), await widthAt(800)];
    // Block 50 font units wide per 100 at size 100; the wght tuple adds 300 units at 800.
    expect(regular).toBeGreaterThanOrEqual(49);
    expect(regular).toBeLessThanOrEqual(51);
    expect(bold - regular).toBeGreaterThanOrEqual(21);
    expect(bold - regular).toBeLessThanOrEqual(24);
    expect(heaviest - regular).toBeGreaterThanOrEqual(29);
    // Past the axis, the weight is clamped to it (as CSS does).
    expect(await widthAt(900)).toBe(heaviest);
  });

  it("a declared weight pins the instance whatever weight the node asks", async () => {
    expect(await widthAt(400, 700)).toBe(await widthAt(700));
  });

  it("a declared weight outside the font's wght axis fails the card and says so", async () => {
    await expect(widthAt(400, 900)).rejects.toThrow(
      new FontFileError(
        `fonts[0].src "fonts/var.ttf": weight 900 is outside the font's wght axis (${variableAxis.min}–${variableAxis.max}); give a weight inside it, or none to use the whole axis`,
      ),
    );
  });

  it("static fonts of one family: the node's weight picks the nearest file", async () => {
    const wide = blockFont({ outlines: "truetype", variable: true });
    const files = new Map([
      ["fonts/regular.ttf", fixture("block.ttf")],
      ["fonts/bold.ttf", wide],
    ]);
    const fonts = [brand("fonts/regular.ttf", 400), brand("fonts/bold.ttf", 800)];
    const at = async (weight: number) =>
      ink(await draw(template(fonts, "Brand Sans", weight), "H", files)).width;
    expect(await at(300)).toBe(await widthAt(400));
    expect(await at(700)).toBe(await widthAt(800));
  });
});

/**
 * A WOFF2 whose first table claims an original length of 4 GiB (UIntBase128 0x8f 0xff 0xff 0xff
 * 0x7f) in a file of a few hundred bytes, its header's length kept true.
 */
function claimGigabytes(woff2: Buffer): Buffer {
  let end = 49;
  while ((woff2[end] ?? 0) & 0x80) end += 1;
  const bytes = Buffer.concat([
    woff2.subarray(0, 49),
    Buffer.from([0x8f, 0xff, 0xff, 0xff, 0x7f]),
    woff2.subarray(end + 1),
  ]);
  bytes.writeUInt32BE(bytes.length, 8);
  return bytes;
}

describe("hostile font files fail that card with the reason; the next card still renders", () => {
  const good = new Map([["fonts/good.ttf", fixture("block.ttf")]]);
  const ttf = fixture("block.ttf");
  const woff2 = fixture("block.woff2");
  const cases: [string, Buffer, RegExp][] = [
    [
      "truncated TTF",
      ttf.subarray(0, 2000),
      /truncated: table 'glyf' needs bytes up to \d+, the file has 2000/,
    ],
    [
      "truncated WOFF2",
      woff2.subarray(0, 300),
      /truncated or padded: its WOFF2 header says 608 bytes, the file has 300/,
    ],
    [
      "not a font",
      Buffer.from("<html>a login page</html>"),
      /is not a font: it starts with 0x3c68746d, not the signature of a TTF, OTF, WOFF or WOFF2 file/,
    ],
    [
      "huge",
      Buffer.alloc(limits.template.maxFontBytes + 1),
      /is 25165825 bytes \(24\.0 MB\); expected at most 25165824 \(limits\.template\.maxFontBytes\)/,
    ],
    ["empty", Buffer.alloc(0), /is empty/],
    [
      "a collection",
      Buffer.concat([Buffer.from("ttcf"), Buffer.alloc(60)]),
      /is a font collection \(TTC\)/,
    ],
    [
      "glyph ids past numGlyphs",
      blockFont({ outlines: "truetype", extraCmap: new Map([[0x4e2d, 999]]) }),
      /its cmap maps U\+4E2D to glyph 999, but the font has 73 glyphs/,
    ],
    [
      "visible glyphs without outlines",
      blockFont({ outlines: "cff", emptyGlyphs: new Set([5]) }),
      /its cmap maps U\+0044 "D" to glyph 5, which has no outline/,
    ],
    [
      "a WOFF2 whose table lengths claim gigabytes",
      claimGigabytes(woff2),
      /decodes to 4096\.0 MB; expected at most 96\.0 MB/,
    ],
  ];

  it.each(cases)("%s", async (_name, bytes, reason) => {
    const assets = new Map([["fonts/bad.ttf", bytes]]);
    const failing = draw(template([brand("fonts/bad.ttf")], "Brand Sans"), "HHHH", assets);
    await expect(failing).rejects.toThrow(FontFileError);
    const error = await failing.catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/^fonts\[0\]\.src "fonts\/bad\.ttf": /);
    expect((error as Error).message).toMatch(reason);
    expect(isPermanentRenderError(error)).toBe(true);
    const next = await draw(template([brand("fonts/good.ttf")], "Brand Sans"), "HHHH", good);
    expect(ink(next).fill).toBeGreaterThan(0.75);
  });

  it("a font file not provided is an AssetError naming the field", async () => {
    await expect(
      draw(template([brand("fonts/missing.ttf")], "Brand Sans"), "HH", new Map()),
    ).rejects.toThrow(
      new AssetError(
        "fonts[0].src",
        "fonts/missing.ttf",
        "was not provided (no asset with that name)",
      ),
    );
  });
});

describe("same input, same bytes, whatever rendered before", () => {
  const render = async (parsed: ParsedTemplate, assets: AssetBytes, on: CanvasEngine = engine) => {
    const spec = parseCardSpec({ template: parsed.document.name, params: { title: "HHxy 中" } });
    return (await renderCard(spec, assets, on, parsed)).bytes;
  };
  // Two templates call their family "Brand Sans" with different files: each draws its own.
  const a = template([brand("fonts/a.ttf")], "Brand Sans", 400, "test/a");
  const b = template([brand("fonts/b.ttf")], "Brand Sans", 400, "test/b");
  const assetsA = new Map([["fonts/a.ttf", blockFont({ outlines: "truetype", weightClass: 300 })]]);
  // B's letters look unlike A's blocks: Noto Serif (OFL), as shipped in @fontsource/noto-serif.
  const serif = require.resolve("@fontsource/noto-serif/files/noto-serif-latin-400-normal.woff2");
  const assetsB = new Map([["fonts/b.ttf", fs.readFileSync(serif)]]);

  it("A, B, A: A's bytes are equal, B's differ", async () => {
    const first = await render(a, assetsA);
    const other = await render(b, assetsB);
    const again = await render(a, assetsA);
    expect(Buffer.compare(first, again)).toBe(0);
    expect(Buffer.compare(first, other)).not.toBe(0);
  });

  it("past the process's budget a new file fails the card (not permanently); registered files still draw", async () => {
    // A fresh engine object has its own font loader and registry: here with room for A only.
    const fileA = blockFont({ outlines: "cff", weightClass: 200 });
    const small: CanvasEngine = { ...engine };
    const registry = brandFontRegistryOf(small, fileA.length);
    const onlyA = new Map([["fonts/a.ttf", fileA]]);
    const first = await render(a, onlyA, small);
    const failing = render(b, assetsB, small);
    await expect(failing).rejects.toThrow(BrandFontBudgetError);
    const error = await failing.catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(
      /^fonts\[0\]\.src "fonts\/b\.ttf": this process has registered 0\.0 MB of brand font files; 0\.0 MB more would pass its budget of 0\.0 MB \(limits\.cacheBudgets\.brandFontBytes\)/,
    );
    expect(isPermanentRenderError(error)).toBe(false);
    expect(Buffer.compare(first, await render(a, onlyA, small))).toBe(0);
    expect(registry.count).toBe(1);
    // The same bytes as on the shared engine, whose registry has seen other fonts first.
    expect(Buffer.compare(first, await render(a, onlyA))).toBe(0);
  });

  it("the registry keeps each distinct file once, within its budget", async () => {
    const registry = brandFontRegistryOf(engine);
    const before = registry.count;
    await render(a, assetsA);
    await render(a, new Map([["fonts/a.ttf", Buffer.from(assetsA.get("fonts/a.ttf")!)]]));
    expect(registry.count).toBe(before);
    expect(registry.bytes).toBeLessThanOrEqual(registry.budgetBytes);
  });
});
