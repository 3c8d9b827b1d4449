// The costliest valid card of each script: every text field at its length limit, as the renderer's text layout meets it.
import { fallbackFonts } from "../renderer/fonts/catalog";
import { rangesCover } from "../renderer/fonts/codePointRanges";
import { indexFamily, subsetCodePoints } from "../renderer/fonts/families";
import { limits } from "../renderer/limits";
import { textFieldNames, type TextField } from "../renderer/spec/schema";

/** The scripts the worst-case benchmark and the text-cost tests render. */
export const worstCaseScripts = [
  "latin",
  "hangul-no-spaces",
  "cjk-spread",
  "arabic",
  "hebrew",
  "thai-unshipped",
  "emoji",
  "mixed",
] as const;
export type WorstCaseScript = (typeof worstCaseScripts)[number];

/** `source` repeated and cut to exactly `length` code points. */
export function repeatTo(source: string, length: number): string {
  const characters = [...source];
  return Array.from({ length }, (_, index) => characters[index % characters.length]).join("");
}

const spreadCache = new Map<string, string[]>();

/**
 * One character in `[first, last]` from each subset file of a fallback family, in subset order:
 * text that makes the font loader register as many files as it can (fontsource splits Noto Sans SC
 * and KR into ~100 files each).
 */
export function charactersFromEverySubset(family: string, first: number, last: number): string[] {
  const key = `${family}:${first}:${last}`;
  const cached = spreadCache.get(key);
  if (cached) return cached;
  const entry = fallbackFonts.find((font) => font.family === family);
  if (!entry) throw new Error(`${family} is not in the fallback fonts`);
  const index = indexFamily(entry);
  const found: string[] = [];
  for (const subset of index.subsets) {
    const mapped = subsetCodePoints(index, subset);
    for (let codePoint = first; codePoint <= last; codePoint++) {
      if (subset.declared && !rangesCover(subset.declared, codePoint)) continue;
      if (!rangesCover(mapped, codePoint)) continue;
      found.push(String.fromCodePoint(codePoint));
      break;
    }
  }
  spreadCache.set(key, found);
  return found;
}

/** Characters from every subset, rotated by `offset` so that each field reaches other subsets first. */
function spread(characters: readonly string[], length: number, offset: number): string {
  return Array.from(
    { length },
    (_, index) => characters[(index * 7 + offset) % characters.length] ?? "",
  ).join("");
}

const samples: Record<Exclude<WorstCaseScript, "cjk-spread" | "hangul-no-spaces">, string> = {
  latin: "Shipping reliable social cards at scale with deterministic rendering ",
  arabic: "بطاقات اجتماعية موثوقة على نطاق واسع مع عرض حتمي للنصوص العربية ",
  hebrew: "כרטיסים חברתיים אמינים בקנה מידה גדול עם עיבוד דטרמיניסטי ",
  // No shipped font maps Thai: it is measured and drawn as missing glyphs, one unbroken run.
  "thai-unshipped": "การแสดงผลการ์ดโซเชียลที่เชื่อถือได้ในระดับใหญ่",
  emoji: "🎉👩‍💻🇯🇵👍🏽✨1️⃣©️🚀",
  mixed: "Launch 発表 출시 إطلاق השקה 🎉 v2.0 — ",
};

/** A field's text at its length limit (in code points) for a script. */
export function worstCaseText(script: WorstCaseScript, field: TextField): string {
  const length = limits.text[field];
  const offset = textFieldNames.indexOf(field) * 23;
  if (script === "cjk-spread") {
    return spread(charactersFromEverySubset("Noto Sans SC", 0x4e00, 0x9fff), length, offset);
  }
  // Korean keeps words whole (word-break: keep-all): without spaces the whole field is one word,
  // of syllables from every subset file.
  if (script === "hangul-no-spaces") {
    return spread(charactersFromEverySubset("Noto Sans KR", 0xac00, 0xd7a3), length, offset);
  }
  const sample = samples[script];
  // Start each field elsewhere in the sample, so fields differ.
  const characters = [...sample];
  const rotated = [
    ...characters.slice(offset % characters.length),
    ...characters.slice(0, offset % characters.length),
  ];
  return repeatTo(rotated.join(""), length);
}

/** A card spec (input to `parseCardSpec`) with every text field of one script at its limit. */
export function worstCaseCard(
  script: WorstCaseScript,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    template: "classic",
    ...Object.fromEntries(textFieldNames.map((field) => [field, worstCaseText(script, field)])),
    titleMaxLines: limits.maxTitleLines,
    ...overrides,
  };
}
