// Large image assets and gradients: what the renderer keeps stays within its byte budgets, and RSS stays bounded.
import v8 from "node:v8";
import vm from "node:vm";
import zlib from "node:zlib";
import sharp from "sharp";
import { getEngine } from "../../renderer/engine/select";
import { limits } from "../../renderer/limits";
import { ByteBudgetCache } from "../../support";
import { gradientCanvas, gradientCacheOf } from "../../renderer/paint/gradientCache";
import { checkAssetImage, DecodedImageCache, decodedSizeFor } from "../../renderer/paint/images";
import { cacheUsage, drawCard } from "../../renderer/render";
import type { CardSpecInput, TemplateName } from "../../renderer/spec/schema";
import { parseCardSpec } from "../../renderer/spec/validate";
import { pngChunk } from "../support/pngChunk";

const mib = 1024 * 1024;
const side = 5000;

/**
 * A full collection, so that RSS shows what is still referenced (jest runs without --expose-gc).
 * Native canvases are freed by finalizers that run after the collection, on a later turn.
 */
async function collectGarbage(): Promise<void> {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  for (let round = 0; round < 2; round++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * `count` distinct PNG files of one flat-colour 5000×5000 image (about 400 KB each, 95 MiB each
 * decoded): each carries its own text chunk after the header, so their bytes (and cache keys)
 * differ. Opaque RGB by default: it decodes in half the time of RGBA, and the batch decodes 40.
 */
async function distinctLargePngs(count: number, channels: 3 | 4 = 3): Promise<Buffer[]> {
  const png = await sharp({
    create: {
      width: side,
      height: side,
      channels,
      background: { r: 30, g: 90, b: 200, alpha: 0.5 },
    },
  })
    .png()
    .toBuffer();
  const afterHeader = 8 + 25; // signature, IHDR
  return Array.from({ length: count }, (_, index) =>
    Buffer.concat([
      png.subarray(0, afterHeader),
      pngChunk("tEXt", Buffer.from(`Comment\0asset ${index}`, "latin1")),
      png.subarray(afterHeader),
    ]),
  );
}

/** A PNG with detail in every region (stripes, a ramp, translucent squares), so resampling shows. */
async function patternPng(width: number, height: number, seed: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const offset = (y * width + x) * 4;
      pixels[offset] = (x * 255) / width;
      pixels[offset + 1] = ((x + y + seed * 40) >> 3) % 2 ? 220 : 30;
      pixels[offset + 2] = (y * 255) / height;
      pixels[offset + 3] = ((x >> 7) + (y >> 7)) % 2 ? 255 : 128;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
}

describe("a batch of cards with distinct 5000×5000 assets", () => {
  const cards = 20;
  const templates: TemplateName[] = ["photo", "split", "classic", "bold", "minimal"];
  let assets: Map<string, Uint8Array>;

  beforeAll(async () => {
    const pngs = await distinctLargePngs(cards * 2);
    assets = new Map(
      pngs.map((bytes, index) => [`${index % 2 ? "logo" : "background"}-${index >> 1}.png`, bytes]),
    );
  }, 60_000);

  it("keeps decoded images within their byte budget and RSS far below the old 2.4 GB", async () => {
    // Warm: fonts, templates and the JIT, so that the growth measured is the images'.
    const warmAssets = new Map([
      ["background-0.png", assets.get("background-0.png") ?? Buffer.alloc(0)],
    ]);
    await drawCard(
      parseCardSpec({ title: "Warm", template: "photo", background: "background-0.png" }),
      warmAssets,
    );
    await collectGarbage();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const cacheBytes: number[] = [];
    for (let index = 0; index < cards; index++) {
      const spec: CardSpecInput = {
        id: `large-${index}`,
        template: templates[index % templates.length],
        title: `Card ${index}`,
        author: "Ada Lovelace",
        background: `background-${index}.png`,
        logo: `logo-${index}.png`,
      };
      const drawn = await drawCard(parseCardSpec(spec), assets);
      // The asset is flat: a decoded-at-drawn-size background is still that colour.
      if (spec.template === "photo")
        expect([...drawn.pixels.subarray(0, 3)]).not.toEqual([0, 0, 0]);
      peak = Math.max(peak, process.memoryUsage().rss);
      cacheBytes.push(cacheUsage().decodedImageBytes);
    }
    await collectGarbage();
    const retained = process.memoryUsage().rss - baseline;
    // Every image is kept at the size drawn: a 1200×630 card's background and logo together are
    // a few MiB, and the cache never holds more than its budget.
    expect(Math.max(...cacheBytes)).toBeLessThanOrEqual(limits.cacheBudgets.decodedImageBytes);
    expect(cacheBytes.every((bytes) => bytes > 0)).toBe(true);
    // Before the fix: 16 decoded 95 MiB images stayed referenced (> 1.5 GB) and the peak passed 2.4 GB.
    const growth = {
      peakMiB: Math.round((peak - baseline) / mib),
      retainedMiB: Math.round(retained / mib),
    };
    console.log(`RSS growth over ${cards} cards: ${JSON.stringify(growth)}`);
    expect(growth.peakMiB).toBeLessThan(600);
    expect(growth.retainedMiB).toBeLessThan(300);
  }, 120_000);
});

describe("images are decoded no larger than they are drawn", () => {
  it("decodes a 5000×5000 background at the card's size and a logo at its box", async () => {
    const [background, logo] = await distinctLargePngs(2, 4);
    const engine = getEngine();
    const cache = new DecodedImageCache(engine);
    const drawnBackground = await cache.get("background", "b.png", background ?? Buffer.alloc(0), {
      width: 1200,
      height: 630,
      fit: "cover",
    });
    expect({ width: drawnBackground.width, height: drawnBackground.height }).toEqual({
      width: 1200,
      height: 630,
    });
    const drawnLogo = await cache.get("logo", "l.png", logo ?? Buffer.alloc(0), {
      width: 430,
      height: 52,
      fit: "contain",
    });
    expect({ width: drawnLogo.width, height: drawnLogo.height }).toEqual({ width: 52, height: 52 });
    expect(cache.bytes).toBe((1200 * 630 + 52 * 52) * 4);
  });

  it("draws a card with the same bytes whether its image was cached, evicted or never seen", async () => {
    const assets = new Map<string, Uint8Array>();
    for (let index = 0; index < 8; index++) {
      assets.set(`asset-${index}.png`, await patternPng(2600, 1700, index));
    }
    const photo = parseCardSpec({
      title: "Same bytes",
      template: "photo",
      background: "asset-0.png",
      logo: "asset-1.png",
    });
    const first = await drawCard(photo, assets);
    expect(Buffer.from((await drawCard(photo, assets)).pixels).equals(first.pixels)).toBe(true);
    // The same assets drawn at other sizes, then enough others at 2× to evict them.
    await drawCard(
      parseCardSpec({
        title: "Other sizes",
        template: "split",
        background: "asset-0.png",
        logo: "asset-1.png",
      }),
      assets,
    );
    for (let index = 2; index < 8; index++) {
      await drawCard(
        parseCardSpec({
          title: "Evict",
          template: "photo",
          scale: 2,
          background: `asset-${index}.png`,
        }),
        assets,
      );
    }
    expect(Buffer.from((await drawCard(photo, assets)).pixels).equals(first.pixels)).toBe(true);
  }, 60_000);

  it("checks an upload completely while keeping one pixel: a truncated file still fails", async () => {
    const [png] = await distinctLargePngs(1, 4);
    const bytes = png ?? Buffer.alloc(0);
    expect(await checkAssetImage("asset", "a.png", bytes)).toEqual({
      format: "png",
      width: side,
      height: side,
    });
    await expect(
      checkAssetImage("asset", "a.png", bytes.subarray(0, bytes.length - 2000)),
    ).rejects.toThrow("could not be decoded");
  });

  it("keeps a small image as it is inside a contain box", () => {
    expect(decodedSizeFor(120, 120, { width: 400, height: 52, fit: "contain" })).toEqual({
      width: 52,
      height: 52,
    });
    expect(decodedSizeFor(40, 40, { width: 400, height: 52, fit: "contain" })).toBeUndefined();
    expect(decodedSizeFor(52, 52, { width: 52, height: 52, fit: "cover" })).toBeUndefined();
  });

  it("decodes a cover image at exactly its box: the part shown, resampled off the event loop", () => {
    // 4:3 into 1200×630: the full width at scale 0.3, the centre band of the height.
    expect(decodedSizeFor(4000, 3000, { width: 1200, height: 630, fit: "cover" })).toEqual({
      width: 1200,
      height: 630,
    });
    // A thin strip: only the part shown is kept, at the box's size.
    expect(decodedSizeFor(100, 250_000, { width: 1200, height: 630, fit: "cover" })).toEqual({
      width: 1200,
      height: 630,
    });
    // Smaller than its box: enlarged by libvips, so the canvas copies it instead of filtering
    // every output pixel (a 4096² photo card's draw held the event loop 1.4 s).
    expect(decodedSizeFor(1600, 1000, { width: 2400, height: 1260, fit: "cover" })).toEqual({
      width: 2400,
      height: 1260,
    });
  });

  it("keeps refusing a decompression bomb before decoding, with a box too", async () => {
    const header = Buffer.alloc(13);
    header.writeUInt32BE(30_000, 0);
    header.writeUInt32BE(30_000, 4);
    header.set([8, 2, 0, 0, 0], 8);
    const bomb = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      pngChunk("IHDR", header),
      pngChunk("IDAT", zlib.deflateSync(Buffer.alloc(1024))),
      pngChunk("IEND", Buffer.alloc(0)),
    ]);
    const cache = new DecodedImageCache(getEngine());
    await expect(
      cache.get("logo", "bomb.png", bomb, { width: 48, height: 48, fit: "contain" }),
    ).rejects.toThrow("declares 30000×30000 pixels");
  });
});

describe("byte-bounded caches", () => {
  it("evicts the least recently used entries to stay within the budget", () => {
    const cache = new ByteBudgetCache<string>(100);
    cache.set("a", "A", 40);
    cache.set("b", "B", 40);
    expect(cache.get("a")).toBe("A"); // now b is the oldest
    cache.set("c", "C", 40);
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).toEqual(["A", undefined, "C"]);
    expect(cache.bytes).toBe(80);
  });

  it("does not keep an entry larger than the whole budget, nor evict others for it", () => {
    const cache = new ByteBudgetCache<string>(100);
    cache.set("small", "S", 10);
    expect(cache.set("huge", "H", 101)).toBe(false);
    expect([cache.get("small"), cache.get("huge"), cache.bytes]).toEqual(["S", undefined, 10]);
  });

  it("keeps gradients within their budget: 4096×4096 ones are drawn and not kept", () => {
    const engine = getEngine();
    const stops = [
      { color: { r: 0, g: 0, b: 0, a: 1 }, position: 0 },
      { color: { r: 255, g: 255, b: 255, a: 1 }, position: 1 },
    ];
    for (let angle = 0; angle < 12; angle++) {
      const canvas = gradientCanvas(engine, 2400, 1260, angle, stops);
      expect(canvas.width).toBe(2400);
      expect(gradientCacheOf(engine).bytes).toBeLessThanOrEqual(limits.cacheBudgets.gradientBytes);
    }
    // 12 MiB each against a 32 MiB budget: two are kept, a third evicts the oldest (before the
    // fix, eight were kept whatever their size: 8 × 64 MiB at 4096×4096).
    const first = gradientCanvas(engine, 2400, 1260, 100, stops);
    expect(gradientCanvas(engine, 2400, 1260, 100, stops)).toBe(first);
    gradientCanvas(engine, 2400, 1260, 101, stops);
    gradientCanvas(engine, 2400, 1260, 102, stops);
    expect(gradientCanvas(engine, 2400, 1260, 100, stops)).not.toBe(first);
    const before = gradientCacheOf(engine).bytes;
    const large = gradientCanvas(engine, 4096, 4096, 45, stops);
    expect(gradientCacheOf(engine).bytes).toBe(before);
    expect(gradientCanvas(engine, 4096, 4096, 45, stops)).not.toBe(large);
  });
});
