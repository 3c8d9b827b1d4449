// Font coverage: exact range lookup, the fonts' real cmaps, and the generated index kept current.
import fs from "node:fs";
import path from "node:path";
import {
  decodeRanges,
  encodeRanges,
  intersectRanges,
  normalizeRanges,
  parseUnicodeRange,
  rangesCover,
} from "../../renderer/fonts/codePointRanges";
import { readShippedCoverage } from "../../renderer/fonts/coverageIndex";
import { shippedCoverage } from "../../renderer/fonts/shippedCoverage";
import { fontPackageDirectory } from "../../renderer/fonts/loader";
import { FontFileError, fontFileCodePoints, openFont } from "../../renderer/fonts/fontCmap";

const fontFile = (packageName: string, file: string) =>
  path.join(fontPackageDirectory(packageName), "files", file);

const maps = (ranges: ReturnType<typeof normalizeRanges>, character: string) =>
  rangesCover(ranges, character.codePointAt(0) ?? -1);

describe("code point ranges", () => {
  it("finds every code point of overlapping ranges once they are normalised", () => {
    // The emoji package's subsets joined: a wide range sorted before narrower ones that it
    // contains. Binary search over the raw list misses 👍 (U+1F44D); the normalised list does not.
    const joined = parseUnicodeRange("U+1f300-1f5ff,U+1f44b-1f44f,U+1f4c8,U+23,U+2a,U+30-39");
    for (const character of "👍👋👎👌👏📈🎉#*7") expect(maps(joined, character)).toBe(true);
    for (const character of "A€") expect(maps(joined, character)).toBe(false);
    expect(
      normalizeRanges([
        [5, 9],
        [1, 3],
        [4, 4],
        [8, 20],
      ]),
    ).toEqual([[1, 20]]);
  });

  it("intersects and round-trips through the compact text form", () => {
    const a = normalizeRanges([
      [0, 10],
      [20, 30],
      [0x1f000, 0x1faff],
    ]);
    const b = normalizeRanges([
      [5, 25],
      [0x1f44d, 0x1f44d],
    ]);
    expect(intersectRanges(a, b)).toEqual([
      [5, 10],
      [20, 25],
      [0x1f44d, 0x1f44d],
    ]);
    expect(decodeRanges(encodeRanges(a))).toEqual(a);
    expect(decodeRanges("")).toEqual([]);
  });
});

describe("font cmaps (fontkit)", () => {
  it("reads a Latin subset's coverage", () => {
    const ranges = fontFileCodePoints(
      fontFile("@fontsource/inter", "inter-latin-400-normal.woff2"),
    );
    for (const character of "Az09…€") expect(maps(ranges, character)).toBe(true);
    for (const character of "你Жم") expect(maps(ranges, character)).toBe(false);
  });

  it("shows that a CJK subset lacks the Arabic its unicode range lists", () => {
    const declared = JSON.parse(
      fs.readFileSync(
        path.join(fontPackageDirectory("@fontsource/noto-sans-sc"), "unicode.json"),
        "utf8",
      ),
    ) as Record<string, string>;
    expect(declared["[102]"]).toContain("U+627-629");
    const ranges = fontFileCodePoints(
      fontFile("@fontsource/noto-sans-sc", "noto-sans-sc-102-400-normal.woff2"),
    );
    expect(maps(ranges, "ع")).toBe(false);
  });

  it("reads format-12 coverage beyond the BMP, from WOFF as well as WOFF2", () => {
    const woff2 = fontFileCodePoints(
      fontFile("@fontsource/noto-sans-sc", "noto-sans-sc-4-400-normal.woff2"),
    );
    expect(woff2.some(([, high]) => high > 0xffff)).toBe(true);
    const woff = fontFileCodePoints(
      fontFile("@fontsource/noto-sans-sc", "noto-sans-sc-4-400-normal.woff"),
    );
    expect(woff).toEqual(woff2);
  });

  it("rejects a file that is not a font, naming it", () => {
    expect(() => openFont(Buffer.from("not a font at all, definitely not"), "logo.png")).toThrow(
      FontFileError,
    );
    expect(() => openFont(Buffer.from("not a font at all, definitely not"), "logo.png")).toThrow(
      /logo\.png is not a font/,
    );
  });
});

describe("the generated coverage index (renderer/fonts/shippedCoverage.ts)", () => {
  it("matches the installed fonts' cmaps (regenerate: npx tsx scripts/write-font-coverage.ts)", () => {
    expect(shippedCoverage).toEqual(readShippedCoverage());
  }, 120_000);
});
