// Fuzzing the renderer: valid specs with hostile text render to images of the right size within a memory bound.
import fc from "fast-check";
import sharp from "sharp";
import { renderCard } from "../../renderer/render";
import { parseCardSpec } from "../../renderer/spec/validate";
import { renderableSpec } from "./arbitraries";

describe("renderer fuzzing", () => {
  it("renders 600 random small cards with hostile text, each the declared size", async () => {
    const rssBefore = process.memoryUsage().rss;
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(renderableSpec, async (input) => {
        const spec = parseCardSpec(input);
        const card = await renderCard(spec);
        expect(card.width).toBe(Math.round(input.size.width * input.scale));
        expect(card.height).toBe(Math.round(input.size.height * input.scale));
        // Decoding every tenth image keeps the run short and still proves the bytes are images.
        if (checked++ % 10 === 0) {
          const metadata = await sharp(card.bytes).metadata();
          expect([metadata.width, metadata.height]).toEqual([card.width, card.height]);
        }
        await new Promise((resolve) => setImmediate(resolve));
      }),
      { numRuns: 600 },
    );
    // Bounded memory: a leak of even one canvas per card would show here.
    const grownMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    expect(grownMb).toBeLessThan(400);
    // ~20 s on an idle machine; it ran past 60 s in a full suite on a busy one.
  }, 300_000);

  it("renders the largest allowed output", async () => {
    const card = await renderCard(
      parseCardSpec({ title: "Largest", size: { width: 4096, height: 4096 }, format: "jpeg" }),
    );
    expect([card.width, card.height]).toEqual([4096, 4096]);
  });
});
