// The WOFF2 cmap reader that checks fontsource's unicode ranges against the fonts' real coverage.
import fs from "node:fs";
import path from "node:path";
import { fontPackageDirectory } from "../../renderer/fonts/loader";
import { FontFileError, woff2CodePoints } from "../../renderer/fonts/woff2-cmap";

const fontFile = (packageName: string, file: string) =>
  fs.readFileSync(path.join(fontPackageDirectory(packageName), "files", file));

const maps = (ranges: [number, number][], character: string) => {
  const codePoint = character.codePointAt(0) ?? -1;
  return ranges.some(([low, high]) => codePoint >= low && codePoint <= high);
};

describe("woff2CodePoints", () => {
  it("reads a Latin subset's coverage", () => {
    const ranges = woff2CodePoints(fontFile("@fontsource/inter", "inter-latin-400-normal.woff2"));
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
    const ranges = woff2CodePoints(
      fontFile("@fontsource/noto-sans-sc", "noto-sans-sc-102-400-normal.woff2"),
    );
    expect(maps(ranges, "ع")).toBe(false);
  });

  it("reads format-12 coverage beyond the BMP", () => {
    const ranges = woff2CodePoints(
      fontFile("@fontsource/noto-sans-sc", "noto-sans-sc-4-400-normal.woff2"),
    );
    expect(ranges.some(([, high]) => high > 0xffff)).toBe(true);
  });

  it("rejects a file that is not WOFF2", () => {
    expect(() => woff2CodePoints(Buffer.from("not a font at all, definitely not"))).toThrow(
      FontFileError,
    );
  });
});
