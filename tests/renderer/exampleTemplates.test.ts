// The example templates (examples/templates/) validate, render every item of their batches, and draw what they claim: a round avatar, a price badge, a date block that mirrors.
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import {
  assetNamesOf,
  checkCardParams,
  parseBatchFile,
  parseTemplate,
  renderCard,
  type CardSpec,
  type ParsedTemplate,
} from "../../renderer";
import { parseColor, type Rgba } from "../../renderer/spec/colors";
import { sizePresets } from "../../renderer/spec/sizes";

const examplesDir = path.join(__dirname, "..", "..", "examples", "templates");
const exampleNames = ["quote", "product", "event"] as const;
type ExampleName = (typeof exampleNames)[number];

/** Items whose text is meant to be too long: the only ones allowed a warning (the clamp). */
const clampedOnPurpose = new Set(["quote-long", "product-long"]);

interface Rendered {
  spec: CardSpec;
  width: number;
  height: number;
  pixels: Buffer;
  warnings: string[];
}

/** One rendered image's pixels, read back from the encoded PNG as a user would get it. */
class Picture {
  constructor(private readonly card: Rendered) {}

  at(x: number, y: number): Rgba {
    const ix = Math.min(this.card.width - 1, Math.max(0, Math.round(x)));
    const iy = Math.min(this.card.height - 1, Math.max(0, Math.round(y)));
    const offset = (iy * this.card.width + ix) * 4;
    const [r = 0, g = 0, b = 0, a = 0] = this.card.pixels.subarray(offset, offset + 4);
    return { r, g, b, a: a / 255 };
  }

  /** Pixels within `tolerance` of `color` per channel, in the box [x0, x1) × [y0, y1). */
  count(color: Rgba, x0: number, x1: number, y0: number, y1: number, tolerance = 8): number {
    const { width, height, pixels } = this.card;
    let matches = 0;
    for (let y = Math.max(0, Math.round(y0)); y < Math.min(height, y1); y++) {
      for (let x = Math.max(0, Math.round(x0)); x < Math.min(width, x1); x++) {
        const offset = (y * width + x) * 4;
        if (
          Math.abs((pixels[offset] ?? 0) - color.r) <= tolerance &&
          Math.abs((pixels[offset + 1] ?? 0) - color.g) <= tolerance &&
          Math.abs((pixels[offset + 2] ?? 0) - color.b) <= tolerance
        )
          matches++;
      }
    }
    return matches;
  }
}

/** The largest per-channel difference of two colours. */
const distance = (a: Rgba, b: Rgba): number =>
  Math.max(Math.abs(a.r - b.r), Math.abs(a.g - b.g), Math.abs(a.b - b.b));

const hex = (color: Rgba): string =>
  `#${[color.r, color.g, color.b].map((channel) => channel.toString(16).padStart(2, "0")).join("")}`;

function colorParam(template: ParsedTemplate, spec: CardSpec, name: string): Rgba {
  const value = spec.params?.[name] ?? template.document.params[name]?.default;
  const color = typeof value === "string" ? parseColor(value) : undefined;
  if (!color) throw new Error(`${name}: expected a colour param, got ${JSON.stringify(value)}`);
  return color;
}

/** The template px → card px factor, as the engine scales (min of the two ratios). */
function unitOf(template: ParsedTemplate, card: Rendered): number {
  const size = template.document.size;
  const reference = typeof size === "string" ? sizePresets[size] : size;
  return Math.min(card.width / reference.width, card.height / reference.height);
}

const isTall = (card: Rendered) => card.height > 0.75 * card.width;

const examples = new Map<ExampleName, { template: ParsedTemplate; cards: Map<string, Rendered> }>();

beforeAll(async () => {
  for (const name of exampleNames) {
    const template = parseTemplate(fs.readFileSync(path.join(examplesDir, `${name}.json`)));
    const batch = parseBatchFile(
      JSON.parse(fs.readFileSync(path.join(examplesDir, `${name}.batch.json`), "utf8")),
    );
    const cards = new Map<string, Rendered>();
    for (const item of batch.items) {
      if (!item.spec) throw new Error(`${name}.batch.json ${item.id}: ${String(item.error)}`);
      const spec = item.spec;
      const assets = new Map(
        assetNamesOf(spec, template).map((asset) => [
          asset,
          fs.readFileSync(path.join(examplesDir, asset)),
        ]),
      );
      const card = await renderCard(spec, assets, undefined, template);
      const { data, info } = await sharp(card.bytes)
        .ensureAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      cards.set(item.id, {
        spec,
        width: info.width,
        height: info.height,
        pixels: data,
        warnings: card.warnings,
      });
    }
    examples.set(name, { template, cards });
  }
}, 120_000);

function example(name: ExampleName): { template: ParsedTemplate; cards: Map<string, Rendered> } {
  const found = examples.get(name);
  if (!found) throw new Error(`${name} was not rendered`);
  return found;
}

describe.each(exampleNames)("examples/templates/%s.json", (name) => {
  it("is a valid template, and every item of its batch fills its params correctly", () => {
    const { template, cards } = example(name);
    expect(template.document.name).toBe(`examples/${name}`);
    expect(cards.size).toBeGreaterThanOrEqual(3);
    for (const [id, card] of cards) {
      expect([id, checkCardParams(template, card.spec)]).toEqual([id, []]);
    }
  });

  it("renders every item of its batch, without warnings unless its text is too long on purpose", () => {
    for (const [id, card] of example(name).cards) {
      const clamps = card.warnings.filter((warning) =>
        /cut to \d+ line\(s\) with an ellipsis/.test(warning),
      );
      const others = card.warnings.filter((warning) => !clamps.includes(warning));
      expect([id, others, clamps.length > 0]).toEqual([id, [], clampedOnPurpose.has(id)]);
    }
  });
});

describe("quote: the avatar is round", () => {
  /*
   * The avatar is 240 × 240 template px. On a landscape card it sits at the start of the row,
   * after the 88 px padding (the quote fills the rest), centred vertically; on a tall card it is
   * centred horizontally, and its top is the first pixel of the centre column below the padding
   * that is not background. Its corners must show what is around it; its middle, the photo.
   */
  it.each(["quote-ada", "quote-long", "quote-zh", "quote-square"])("%s", (id) => {
    const { template, cards } = example("quote");
    const card = cards.get(id);
    if (!card) throw new Error(`no card ${id}`);
    const picture = new Picture(card);
    const unit = unitOf(template, card);
    const size = 240 * unit;
    let left: number;
    let top: number;
    if (isTall(card)) {
      left = (card.width - size) / 2;
      const centre = card.width / 2;
      const backdrop = picture.at(centre, 60 * unit);
      top = 96 * unit;
      while (top < card.height && distance(picture.at(centre, top), backdrop) <= 8) top++;
    } else {
      left = 88 * unit;
      top = (card.height - size) / 2;
    }
    const inset = 0.04 * size;
    const corners = [
      [left + inset, top + inset],
      [left + size - inset, top + inset],
      [left + inset, top + size - inset],
      [left + size - inset, top + size - inset],
    ] as const;
    // Each corner against what surrounds the avatar just outside its box, on the same row.
    const cornersUnlikeSurroundings = corners
      .map(([x, y]) => {
        const outside = picture.at(x < left + size / 2 ? left - 6 : left + size + 6, y);
        return { at: [Math.round(x), Math.round(y)], off: distance(picture.at(x, y), outside) };
      })
      .filter(({ off }) => off > 12);
    expect([id, cornersUnlikeSurroundings]).toEqual([id, []]);
    // Inside the circle, near its left and right edges and at its centre: the photo's backdrop
    // and face, nothing like the card around it.
    const around = picture.at(left - 6, top + size / 2);
    const insideLikeSurroundings = [
      [left + 0.08 * size, top + size / 2],
      [left + 0.92 * size, top + size / 2],
      [left + size / 2, top + size / 2],
    ]
      .map(([x = 0, y = 0]) => ({
        at: [Math.round(x), Math.round(y)],
        off: distance(picture.at(x, y), around),
      }))
      .filter(({ off }) => off <= 40);
    expect([id, insideLikeSurroundings]).toEqual([id, []]);
  });
});

describe("product: the price badge", () => {
  /*
   * The badge is absolute at top 36, right 36 of the photo panel (half the card wide on a
   * landscape card, all of it on a tall one), 14 px of padding around a 48 px line: its right end,
   * inside the padding and at mid-height, is the badge colour of that card.
   */
  it.each(["product-mug", "product-long", "product-ko", "product-story"])("%s", (id) => {
    const { template, cards } = example("product");
    const card = cards.get(id);
    if (!card) throw new Error(`no card ${id}`);
    const picture = new Picture(card);
    const unit = unitOf(template, card);
    const panelRight = isTall(card) ? card.width : card.width / 2;
    const right = panelRight - 36 * unit;
    const middle = (36 + 14 + 24) * unit;
    const badge = colorParam(template, card.spec, "badge");
    const probe = picture.at(right - 12 * unit, middle);
    expect([id, hex(probe)]).toEqual([id, hex(badge)]);
    // Just outside it, to its right, is the photo.
    expect([id, distance(picture.at(right + 12 * unit, middle), badge) > 40]).toEqual([id, true]);
  });

  it("draws the optional label (dark, uppercase) only on cards that give one", () => {
    const { template, cards } = example("product");
    for (const [id, card] of cards) {
      const unit = unitOf(template, card);
      const panelBottom = isTall(card) ? card.height * 0.55 : card.height;
      const picture = new Picture(card);
      // The left padding of the label's pill at its mid-height: the photo there is a light wood
      // (channels ≥ 150); the pill, #111827 at 80 % over it, is dark (6 px inside it, even when empty).
      const probe = picture.at(42 * unit, panelBottom - 42 * unit);
      const drawn = Math.max(probe.r, probe.g, probe.b) < 90;
      expect([id, drawn]).toEqual([id, card.spec.params?.label !== undefined]);
    }
  });
});

describe("event: the date block, and its mirroring", () => {
  /*
   * The date block is 200 template px wide, at the start of the row after the 80 px padding: the
   * left on a left-to-right card, the right on a right-to-left one (the title decides). Its colour
   * must fill that band and be (almost) absent from the mirrored one.
   */
  it.each(["event-meetup", "event-long", "event-ar"])("%s", (id) => {
    const { template, cards } = example("event");
    const card = cards.get(id);
    if (!card) throw new Error(`no card ${id}`);
    const picture = new Picture(card);
    const unit = unitOf(template, card);
    const accent = colorParam(template, card.spec, "accent");
    const leftBand = [80 * unit, 280 * unit] as const;
    const rightBand = [card.width - 280 * unit, card.width - 80 * unit] as const;
    const rtl = id === "event-ar";
    const [start, end] = rtl ? [rightBand, leftBand] : [leftBand, rightBand];
    const blockArea = 200 * 220 * unit * unit;
    const atStart = picture.count(accent, start[0], start[1], 0, card.height);
    const atEnd = picture.count(accent, end[0], end[1], 0, card.height);
    expect({ id, atStart: atStart > 0.6 * blockArea, atEnd: atEnd < 0.05 * blockArea }).toEqual({
      id,
      atStart: true,
      atEnd: true,
    });
  });

  it("centres a larger block on a tall card", () => {
    const { template, cards } = example("event");
    const card = cards.get("event-ja");
    if (!card) throw new Error("no card event-ja");
    const picture = new Picture(card);
    const unit = unitOf(template, card);
    const accent = colorParam(template, card.spec, "accent");
    const half = (280 * unit) / 2;
    const centre = picture.count(
      accent,
      card.width / 2 - half,
      card.width / 2 + half,
      0,
      card.height,
    );
    expect(centre).toBeGreaterThan(0.6 * 280 * 300 * unit * unit);
  });
});
