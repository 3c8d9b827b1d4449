// Text layout costs work linear in the text, and font lists name only what the text needs: counted, not timed.
import {
  charactersFromEverySubset,
  worstCaseCard,
  worstCaseScripts,
  worstCaseText,
} from "../../bench/worstCaseCards";
import { getEngine } from "../../renderer/engine/select";
import type { CanvasEngine, DrawingContext } from "../../renderer/engine/types";
import { limits } from "../../renderer/limits";
import { drawCard } from "../../renderer/render";
import { textFieldNames } from "../../renderer/spec/schema";
import { parseCardSpec } from "../../renderer/spec/validate";
import { graphemes } from "../../renderer/text/breaks";
import { fitText } from "../../renderer/text/fit";
import { wrapText, type Measure } from "../../renderer/text/wrap";

/** Everything measured or drawn while a card is drawn, with the font it was measured or drawn in. */
interface TextCall {
  kind: "measure" | "fill";
  text: string;
  font: string;
}

/** The real engine, with each canvas's measureText and fillText recorded. */
function recordingEngine(calls: TextCall[]): CanvasEngine {
  const base = getEngine();
  return {
    ...base,
    createCanvas(width, height) {
      const made = base.createCanvas(width, height);
      const target = made.context;
      const context = new Proxy(target, {
        get(object, key) {
          const value: unknown = Reflect.get(object, key);
          if (key === "measureText" || key === "fillText") {
            const method = value as (text: string, ...rest: number[]) => unknown;
            return (text: string, ...rest: number[]) => {
              calls.push({
                kind: key === "measureText" ? "measure" : "fill",
                text,
                font: object.font,
              });
              return method.call(object, text, ...rest);
            };
          }
          return typeof value === "function" ? (value as () => unknown).bind(object) : value;
        },
        set(object, key, value) {
          return Reflect.set(object, key, value);
        },
      }) as DrawingContext;
      return { canvas: made.canvas, context };
    },
  };
}

const codePoints = (text: string) => [...text].length;
const families = (font: string) => font.match(/"[^"]+"/gu) ?? [];
/** Code points of every text field at its limit: the most text one card can carry. */
const textAtLimits = textFieldNames.reduce((sum, field) => sum + limits.text[field], 0);

/** Calls made while drawing a card a second time (fonts already registered, as in a warm worker). */
async function warmCalls(engine: CanvasEngine, calls: TextCall[], input: Record<string, unknown>) {
  const spec = parseCardSpec(input);
  await drawCard(spec, new Map(), engine);
  calls.length = 0;
  await drawCard(spec, new Map(), engine);
  return [...calls];
}

describe("worst-case cards: text layout cost", () => {
  const calls: TextCall[] = [];
  const engine = recordingEngine(calls);

  // Before: every growing prefix of a line was measured, with every font the process had
  // registered: 26 370 code points measured for a spread-out CJK card (24 × its text), 28 185 for
  // an unshipped script, 16 179 for Hangul without spaces. After: at most ~4 × the text.
  it.each(worstCaseScripts)(
    "%s: code points measured stay within 5 × the card's text, calls within its length",
    async (script) => {
      const made = await warmCalls(engine, calls, worstCaseCard(script));
      const measured = made.filter((call) => call.kind === "measure");
      const measuredCodePoints = measured.reduce((sum, call) => sum + codePoints(call.text), 0);
      expect(measuredCodePoints).toBeLessThanOrEqual(5 * textAtLimits);
      expect(measured.length).toBeLessThanOrEqual(textAtLimits);
    },
  );

  it("every font list names only the files its own text needs, each once", async () => {
    // Spread-out CJK needs ~85 of Noto Sans SC's files across the card; before, every string was
    // measured with all of them (and with whatever earlier cards had registered: 146 families).
    const made = await warmCalls(engine, calls, worstCaseCard("cjk-spread"));
    expect(made.length).toBeGreaterThan(0);
    for (const call of made) {
      const named = families(call.font);
      expect(new Set(named).size).toBe(named.length);
      // One file per distinct character at most, plus the primary font's (it draws the space).
      expect(named.length).toBeLessThanOrEqual(new Set(call.text).size + 1);
    }
  });

  it("a card's font lists do not grow with what the process rendered before", async () => {
    const latin = worstCaseCard("latin");
    const fresh = await warmCalls(engine, calls, latin);
    await drawCard(parseCardSpec(worstCaseCard("cjk-spread")), new Map(), engine);
    await drawCard(parseCardSpec(worstCaseCard("hangul-no-spaces")), new Map(), engine);
    const after = await warmCalls(engine, calls, latin);
    expect(after.map((call) => call.font)).toEqual(fresh.map((call) => call.font));
    for (const call of after) expect(families(call.font)).toHaveLength(1);
  });
});

/** A measure with fixed widths per grapheme that counts calls and code points measured. */
function countingMeasure() {
  const counts = { calls: 0, codePoints: 0 };
  const cache = new Map<string, number>();
  const measure: Measure = (text) => {
    let width = cache.get(text);
    if (width === undefined) {
      counts.calls++;
      counts.codePoints += codePoints(text);
      width = graphemes(text).reduce(
        (sum, grapheme) => sum + (/[\uac00-\ud7af\u4e00-\u9fff]/u.test(grapheme) ? 20 : 9),
        0,
      );
      cache.set(text, width);
    }
    return width;
  };
  return { measure, counts };
}

describe("wrapping and fitting are linear in the text's length", () => {
  const hangul = charactersFromEverySubset("Noto Sans KR", 0xac00, 0xd7a3).join("");
  const hangulOfLength = (length: number) =>
    Array.from({ length }, (_, index) => [...hangul][(index * 7) % [...hangul].length]).join("");

  // Before: a word wider than the line was split by measuring every growing prefix, ~n × L / 2
  // code points for lines of L syllables (≈ 22 500 for 300 syllables at 150 a line).
  it.each([30, 150])(
    "Hangul without spaces at %i syllables a line: code points measured ≤ 4 × length, doubling the text at most doubles them",
    (perLine) => {
      const cost = (length: number) => {
        const { measure, counts } = countingMeasure();
        const lines = wrapText(hangulOfLength(length), perLine * 20, measure);
        expect(lines.join("")).toBe(hangulOfLength(length));
        for (const line of lines) expect(measure(line)).toBeLessThanOrEqual(perLine * 20);
        return counts;
      };
      const single = cost(limits.text.title);
      const double = cost(2 * limits.text.title);
      expect(single.codePoints).toBeLessThanOrEqual(4 * limits.text.title);
      expect(single.calls).toBeLessThanOrEqual(2 * limits.text.title);
      expect(double.codePoints).toBeLessThanOrEqual(2.2 * single.codePoints);
    },
  );

  it("a fit over many sizes measures each piece once and each kept line once", () => {
    const text = worstCaseText("latin", "subtitle");
    const { measure, counts } = countingMeasure();
    const fitted = fitText({
      text,
      maxWidth: 4000,
      maxHeight: 4000,
      maxLines: 40,
      minSize: 8,
      maxSize: 400,
      lineHeight: 1.2,
      // Widths scale with the size: one cached measure serves every size, as in layoutText.
      measureAt: (size) => (part) => (measure(part) * size) / 100,
    });
    expect(fitted.clamped).toBe(false);
    // Nine sizes tried; pieces measured once, only the kept lines measured whole.
    expect(counts.codePoints).toBeLessThanOrEqual(3 * codePoints(text));
  });
});
