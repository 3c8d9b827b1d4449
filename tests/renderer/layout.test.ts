// Line breaking, wrapping, auto-fit and clamping, with a predictable measure and with real fonts.
import { breakPieces, graphemes } from "../../renderer/text/breaks";
import { detectDirection } from "../../renderer/text/direction";
import { fitText } from "../../renderer/text/fit";
import { withEllipsis, wrapText, type Measure } from "../../renderer/text/wrap";

/** Every grapheme is 10 px wide, CJK ideographs and Hangul 20 px: widths are easy to reason about. */
const measure: Measure = (text) =>
  graphemes(text).reduce(
    (width, grapheme) =>
      width + (/[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]/u.test(grapheme) ? 20 : 10),
    0,
  );

describe("wrapText", () => {
  it("breaks at spaces and keeps every line within the width", () => {
    const lines = wrapText("the quick brown fox jumps over the lazy dog", 100, measure);
    expect(lines).toEqual(["the quick", "brown fox", "jumps over", "the lazy", "dog"]);
    for (const line of lines) expect(measure(line)).toBeLessThanOrEqual(100);
  });

  it("breaks CJK text between characters but never puts 、。，at the start of a line", () => {
    const lines = wrapText("你好世界，渲染中文标题。测试", 100, measure);
    expect(lines.join("")).toBe("你好世界，渲染中文标题。测试");
    for (const line of lines) {
      expect(measure(line)).toBeLessThanOrEqual(100);
      expect(line).not.toMatch(/^[，。、]/u);
    }
    expect(lines.length).toBeGreaterThan(2);
  });

  it("keeps Korean words whole", () => {
    const lines = wrapText("한국어 제목도 자연스럽게 줄바꿈됩니다", 140, measure);
    for (const line of lines)
      for (const word of line.split(" "))
        expect("한국어 제목도 자연스럽게 줄바꿈됩니다".split(" ")).toContain(word);
  });

  it("breaks a long URL rather than overflowing", () => {
    const url = "https://example.com/releases/2026/11/a-very-long-path-without-spaces";
    const lines = wrapText(`see ${url}`, 120, measure);
    expect(lines.join("").replace(/\s/g, "")).toBe(`see${url}`);
    for (const line of lines) expect(measure(line)).toBeLessThanOrEqual(120);
  });

  it("never splits an emoji ZWJ sequence or a flag", () => {
    const text = "👩‍💻👩‍💻👩‍💻🇯🇵🇯🇵🇯🇵";
    const lines = wrapText(text, 10, measure);
    expect(lines).toEqual(["👩‍💻", "👩‍💻", "👩‍💻", "🇯🇵", "🇯🇵", "🇯🇵"]);
  });

  it("honours newlines as forced breaks", () => {
    expect(wrapText("one\ntwo three", 1000, measure)).toEqual(["one", "two three"]);
    expect(breakPieces("a\nb").map((piece) => piece.forcedBreakAfter)).toEqual([true, false]);
  });
});

describe("fitText", () => {
  const options = {
    maxWidth: 400,
    maxHeight: 200,
    maxLines: 3,
    minSize: 20,
    maxSize: 80,
    lineHeight: 1,
    measureAt:
      (size: number): Measure =>
      (text) =>
        (measure(text) * size) / 10,
  };

  it("uses the largest size that fits", () => {
    const fitted = fitText({ ...options, text: "short title" });
    expect(fitted.clamped).toBe(false);
    expect(fitted.size).toBeLessThanOrEqual(80);
    // One size larger must not fit.
    const bigger = options.measureAt(fitted.size + 1);
    const fitsBigger =
      fitted.size === 80 || wrapText("short title", 400, bigger).length * (fitted.size + 1) > 200;
    expect(fitsBigger).toBe(true);
    // 880 px wide at 80 px: two lines of 80 px fit the 200 px box, so the maximum size is kept.
    expect(fitted.size).toBe(80);
    expect(fitted.lines).toEqual(["short", "title"]);
  });

  it("shrinks a longer title below the maximum", () => {
    const fitted = fitText({
      ...options,
      text: "a somewhat longer title that needs several lines to fit",
    });
    expect(fitted.size).toBeLessThan(80);
    expect(fitted.size).toBeGreaterThanOrEqual(20);
    expect(fitted.lines.length).toBeLessThanOrEqual(3);
    expect(fitted.lines.length * fitted.size).toBeLessThanOrEqual(200);
  });

  it("clamps to maxLines with an ellipsis below the minimum size", () => {
    const text = "word ".repeat(200).trim();
    const fitted = fitText({ ...options, text });
    expect(fitted.clamped).toBe(true);
    expect(fitted.size).toBe(20);
    expect(fitted.lines).toHaveLength(3);
    expect(fitted.lines[2]).toMatch(/…$/u);
    for (const line of fitted.lines) expect(options.measureAt(20)(line)).toBeLessThanOrEqual(400);
  });
});

describe("withEllipsis and direction", () => {
  it("drops trailing punctuation before the ellipsis", () => {
    expect(withEllipsis("hello, world", 1000, measure)).toBe("hello, world…");
    expect(withEllipsis("hello, world", 70, measure)).toBe("hello…");
  });

  it("detects the base direction from the first strong character", () => {
    expect(detectDirection("123 مرحبا")).toBe("rtl");
    expect(detectDirection("שלום world")).toBe("rtl");
    expect(detectDirection("Hello مرحبا")).toBe("ltr");
    expect(detectDirection("你好")).toBe("ltr");
  });
});
