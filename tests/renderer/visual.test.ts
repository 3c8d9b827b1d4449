// Pixel probes on real renders: backgrounds, text placement, scripts, emoji, images; a broken template fails here.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { templateNames } from "../../renderer/spec/schema";
import { themePresets } from "../../renderer/spec/themes";
import {
  distance,
  hex,
  isColourful,
  isLight,
  pixelAt,
  renderPixels,
  scan,
} from "../support/pixels";

const assetsDir = path.join(__dirname, "..", "..", "examples", "assets");
const assets = new Map([
  ["logo.png", fs.readFileSync(path.join(assetsDir, "logo.png"))],
  ["landscape.jpg", fs.readFileSync(path.join(assetsDir, "landscape.jpg"))],
]);
const midnight = themePresets.midnight.background;
const stops = typeof midnight === "string" ? [] : midnight.stops.map((stop) => hex(stop.color));

describe("backgrounds", () => {
  it("classic paints the theme gradient corner to corner", async () => {
    const pixels = await renderPixels({ title: "Gradient" });
    expect(distance(pixelAt(pixels, 0, 0), stops[0] ?? [0, 0, 0])).toBeLessThanOrEqual(3);
    expect(distance(pixelAt(pixels, 1199, 629), stops[2] ?? [0, 0, 0])).toBeLessThanOrEqual(3);
  });

  it("gradients are smooth and undithered: small steps, few direction changes", async () => {
    const pixels = await renderPixels({
      title: "x",
      template: "minimal",
      theme: {
        background: {
          type: "linear",
          angle: 90,
          stops: [{ color: "#101828" }, { color: "#7c3aed" }],
        },
      },
    });
    const y = 620;
    let directionChanges = 0;
    let largestStep = 0;
    let previousDelta = 0;
    for (let x = 1; x < 1200; x++) {
      const delta = pixelAt(pixels, x, y)[2] - pixelAt(pixels, x - 1, y)[2];
      largestStep = Math.max(largestStep, Math.abs(delta));
      if (delta !== 0 && previousDelta !== 0 && Math.sign(delta) !== Math.sign(previousDelta))
        directionChanges++;
      if (delta !== 0) previousDelta = delta;
    }
    // Skia's dithered gradient changes direction ~770 times along such a row (DESIGN.md).
    expect(directionChanges).toBe(0);
    expect(largestStep).toBeLessThanOrEqual(1);
    expect(pixels.card.bytes.length).toBeLessThan(120_000);
  });

  it("paper theme is a flat colour", async () => {
    const pixels = await renderPixels({ title: "Flat", template: "minimal" });
    expect(pixelAt(pixels, 5, 5)).toEqual(hex(themePresets.paper.background));
    expect(pixelAt(pixels, 1190, 620)).toEqual(hex(themePresets.paper.background));
  });
});

describe("text placement", () => {
  const titleBand = { x: 0, y: 120, width: 1200, height: 330 };

  it("draws the title as light ink starting at the left padding", async () => {
    const pixels = await renderPixels({ title: "Left aligned title", theme: { preset: "mono" } });
    const ink = scan(pixels, titleBand, isLight);
    expect(ink.count).toBeGreaterThan(5000);
    expect(ink.minX).toBeGreaterThanOrEqual(60);
    expect(ink.minX).toBeLessThan(75);
    expect(ink.maxX).toBeLessThan(1000);
  });

  it("right-aligns a right-to-left title against the right padding", async () => {
    const pixels = await renderPixels({ title: "مرحبا بالعالم", theme: { preset: "mono" } });
    const ink = scan(pixels, titleBand, isLight);
    expect(ink.count).toBeGreaterThan(3000);
    expect(ink.maxX).toBeGreaterThan(1120);
    expect(ink.maxX).toBeLessThanOrEqual(1140);
    expect(ink.minX).toBeGreaterThan(400);
    expect(pixels.card.warnings).toEqual([]);
  });

  it("centres the bold template's title", async () => {
    const pixels = await renderPixels({
      title: "Centred",
      template: "bold",
      theme: { preset: "mono" },
    });
    const ink = scan(pixels, { x: 60, y: 150, width: 1080, height: 330 }, isLight);
    expect(Math.abs((ink.minX + ink.maxX) / 2 - 600)).toBeLessThan(12);
  });

  it("a longer title gets a smaller font than a short one", async () => {
    const short = await renderPixels({ title: "Short", theme: { preset: "mono" } });
    const long = await renderPixels({
      title: "A much longer title that needs to wrap over several lines to fit into the box",
      theme: { preset: "mono" },
    });
    const inkHeight = (pixels: typeof short) => {
      let top = Infinity;
      let bottom = -Infinity;
      for (let y = 100; y < 500; y++) {
        for (let x = 60; x < 1000; x += 2) {
          if (isLight(pixelAt(pixels, x, y))) {
            top = Math.min(top, y);
            bottom = Math.max(bottom, y);
          }
        }
      }
      return bottom - top;
    };
    // The short title is one big line; the long one several smaller lines.
    expect(inkHeight(short)).toBeGreaterThan(50);
    expect(inkHeight(long)).toBeGreaterThan(inkHeight(short));
  });
});

describe("scripts and emoji", () => {
  it("draws CJK, Korean, Arabic and Hebrew with shipped fonts (no missing-glyph warnings)", async () => {
    const pixels = await renderPixels({
      title: "你好世界 こんにちは 안녕하세요 مرحبا שלום",
      theme: { preset: "mono" },
    });
    expect(pixels.card.warnings).toEqual([]);
    expect(scan(pixels, { x: 0, y: 100, width: 1200, height: 400 }, isLight).count).toBeGreaterThan(
      8000,
    );
  });

  it("draws emoji in colour", async () => {
    const plain = await renderPixels({ title: "No emoji here", theme: { preset: "mono" } });
    const emoji = await renderPixels({ title: "Emoji 🎉🚀👩‍💻🇯🇵", theme: { preset: "mono" } });
    const region = { x: 0, y: 100, width: 1200, height: 400 };
    expect(scan(plain, region, isColourful).count).toBe(0);
    expect(scan(emoji, region, isColourful).count).toBeGreaterThan(3000);
  });

  it("warns about characters no shipped font covers", async () => {
    const pixels = await renderPixels({ title: "Hieroglyph 𓀀" });
    expect(pixels.card.warnings).toEqual([expect.stringContaining("no shipped font has 𓀀")]);
  });

  it("warns when a title is clamped", async () => {
    const pixels = await renderPixels({ title: "word ".repeat(60).trim() });
    expect(pixels.card.warnings).toEqual([expect.stringMatching(/^title: too long .* ellipsis$/)]);
  });
});

describe("templates", () => {
  it("each template renders a distinct picture with the title visible", async () => {
    const digests = new Set<string>();
    for (const template of templateNames) {
      const pixels = await renderPixels({
        title: "Same words",
        eyebrow: "Label",
        footer: "site",
        template,
        theme: { preset: "mono" },
      });
      expect(scan(pixels, { x: 0, y: 0, width: 1200, height: 630 }, isLight).count).toBeGreaterThan(
        3000,
      );
      digests.add(createHash("sha1").update(pixels.data).digest("hex"));
    }
    expect(digests.size).toBe(templateNames.length);
  });

  it("photo covers the card with the background image and darkens the lower part", async () => {
    const pixels = await renderPixels(
      { title: "Photo", template: "photo", background: "landscape.jpg" },
      assets,
    );
    // The landscape's pink sky shows through near the top; the bottom is darkened by the scrim.
    const sky = pixelAt(pixels, 600, 200);
    expect(sky[0]).toBeGreaterThan(sky[1] + 40);
    const bottom = pixelAt(pixels, 1100, 625);
    expect(Math.max(...bottom)).toBeLessThan(40);
  });

  it("split shows the background image in its right part", async () => {
    const withImage = await renderPixels(
      { title: "Split", template: "split", background: "landscape.jpg" },
      assets,
    );
    const without = await renderPixels({ title: "Split", template: "split" });
    expect(distance(pixelAt(withImage, 1000, 100), pixelAt(without, 1000, 100))).toBeGreaterThan(
      30,
    );
    expect(distance(pixelAt(withImage, 100, 600), pixelAt(without, 100, 600))).toBe(0);
  });

  it("draws the logo at the top left of a left-to-right card", async () => {
    const pixels = await renderPixels({ title: "Logo", logo: "logo.png" }, assets);
    const orange = hex("#f97316");
    expect(distance(pixelAt(pixels, 63 + 3, 63 + 26), orange)).toBeLessThanOrEqual(8);
    const without = await renderPixels({ title: "Logo" });
    expect(distance(pixelAt(without, 63 + 3, 63 + 26), orange)).toBeGreaterThan(60);
  });
});
