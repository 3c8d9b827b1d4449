// The per-card cost limit: a card estimated above limits.maxCardRenderMs is refused, naming the fields that drive its cost.
import { SpecValidationError } from "../../renderer/errors";
import { limits } from "../../renderer/limits";
import { estimateRenderMs } from "../../renderer/spec/cost";
import { parseBatchFile, parseCardSpec } from "../../renderer/spec/validate";

const largest = { width: 4096, height: 4096 };

function rejection(input: unknown): SpecValidationError {
  try {
    parseCardSpec(input);
  } catch (error) {
    if (error instanceof SpecValidationError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

test("a 4096² AVIF at quality 100 is refused with an error naming size, scale, format and quality, and what fits", () => {
  const error = rejection({ title: "Heavy", size: largest, format: "avif", quality: 100 });
  expect(error.issues).toHaveLength(1);
  const [issue] = error.issues;
  expect(issue?.path).toBe("quality");
  expect(issue?.message).toMatch(
    /^size 4096×4096 at scale 1 as avif at quality 100 is estimated at ~\d+ s of rendering, over the per-card limit of 10 s; it fits with quality (\d+) or lower; or format png, jpeg or webp; or a smaller size$/,
  );
  // The quality it advises does fit.
  const advised = Number(/quality (\d+) or lower/.exec(issue?.message ?? "")?.[1]);
  expect(() =>
    parseCardSpec({ title: "Heavy", size: largest, format: "avif", quality: advised }),
  ).not.toThrow();
  expect(() =>
    parseCardSpec({ title: "Heavy", size: largest, format: "avif", quality: advised + 1 }),
  ).toThrow(SpecValidationError);
});

test.each([
  ["png", undefined],
  ["jpeg", undefined],
  ["webp", undefined],
  ["webp", 100],
  ["avif", undefined],
] as const)("the largest output as %s at quality %s is accepted", (format, quality) => {
  const spec = parseCardSpec({ title: "Large", size: largest, format, quality });
  expect(estimateRenderMs(spec)).toBeLessThanOrEqual(limits.maxCardRenderMs);
});

test("a scaled card is offered the largest scale that fits as well", () => {
  const error = rejection({
    title: "x",
    size: { width: 2048, height: 2048 },
    scale: 2,
    format: "avif",
    quality: 100,
  });
  expect(error.issues[0]?.path).toBe("quality");
  expect(error.issues[0]?.message).toMatch(
    /^size 2048×2048 at scale 2 \(output 4096×4096\) as avif at quality 100 is estimated at ~\d+ s .*; it fits with quality \d+ or lower; or scale (1\.\d+) or lower; or format/,
  );
  const scale = Number(/scale (1\.\d+) or lower/.exec(error.issues[0]?.message ?? "")?.[1]);
  const at = (s: number) => ({
    title: "x",
    size: { width: 2048, height: 2048 },
    scale: s,
    format: "avif",
    quality: 100,
  });
  expect(() => parseCardSpec(at(scale))).not.toThrow();
  expect(() => parseCardSpec(at(scale + 0.01))).toThrow(SpecValidationError);
});

test("in a batch, the cost issue carries the item's path and says which field came from defaults", () => {
  const parsed = parseBatchFile({
    defaults: { format: "avif", quality: 100 },
    items: [
      { id: "big", title: "x", size: largest },
      { id: "small", title: "x" },
    ],
  });
  expect(parsed.items[0]?.error?.issues).toEqual([
    {
      path: "items[0].quality",
      message: expect.stringMatching(
        /over the per-card limit .* \(quality 100 comes from defaults\)$/,
      ),
    },
  ]);
  expect(parsed.items[1]?.spec).toBeDefined();
});
