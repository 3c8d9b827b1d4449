// Registers only the font subset files a text needs, chosen by the exact code points each file maps.
import type { CanvasEngine } from "../engine/types";
import { rangesCover } from "./code-point-ranges";
import { fontStack, primaryFonts, type PrimaryFontName } from "./catalog";
import {
  indexFamily,
  subsetCodePoints,
  subsetFiles,
  type FamilyIndex,
  type Subset,
} from "./families";

export { allFontFiles, fontPackageDirectory } from "./families";

/**
 * Emoji presentation sequences, after UTS #51's "possible emoji" grammar: flags, keycaps, emoji
 * with a modifier, VS16 or a tag sequence, default-emoji characters, all joined by ZWJ. Built from
 * code point properties rather than `\p{RGI_Emoji}`, whose list of sequences is as old as the
 * Node.js build's ICU: the same text must load the same fonts on every Node.js version.
 */
const emojiElement = String.raw`(?:\p{RI}\p{RI}|\p{Emoji}(?:\p{EMod}|\uFE0F\u20E3?|\u20E3|[\u{E0020}-\u{E007E}]+\u{E007F})|\p{Emoji_Presentation})`;
const emojiSequence = new RegExp(`${emojiElement}(?:\u200D${emojiElement})*`, "gu");

/** Joiners and variation selectors: not drawn on their own, only as part of a sequence. */
function isJoinerOrSelector(codePoint: number): boolean {
  return codePoint === 0x200d || (codePoint >= 0xfe00 && codePoint <= 0xfe0f);
}

/** Where in a stack a code point is drawn from. */
interface Coverage {
  index: FamilyIndex;
  subset: Subset;
}

/** Registers fonts with one engine on demand; one instance per engine. */
export class FontLoader {
  private readonly registered = new Set<string>();
  private readonly coverage = new Map<string, Coverage | null>();
  /** Registered family aliases per catalog family, in registration order. */
  private readonly aliases = new Map<string, string[]>();

  constructor(private readonly engine: CanvasEngine) {}

  /**
   * The first subset of the stack whose files map every one of `codePoints`: first among subsets
   * whose declared unicode-range lists the first code point (the subset a browser would pick), then
   * among all, so that a warning means that truly no shipped font maps it.
   */
  private coverageOf(
    primary: PrimaryFontName,
    codePoints: readonly number[],
    emojiOnly = false,
  ): Coverage | null {
    const key = `${primary}:${emojiOnly ? "emoji" : "any"}:${codePoints.join(",")}`;
    const cached = this.coverage.get(key);
    if (cached !== undefined) return cached;
    const [first = 0] = codePoints;
    const mapsAll = (index: FamilyIndex, subset: Subset) => {
      const mapped = subsetCodePoints(index, subset);
      return codePoints.every((codePoint) => rangesCover(mapped, codePoint));
    };
    const families = fontStack(primary).filter((entry) => !emojiOnly || entry.colorEmoji);
    let found: Coverage | null = null;
    for (const requireDeclared of [true, false]) {
      for (const entry of families) {
        const index = indexFamily(entry);
        const subset = index.subsets.find(
          (candidate) =>
            (!requireDeclared || !candidate.declared || rangesCover(candidate.declared, first)) &&
            mapsAll(index, candidate),
        );
        if (subset) {
          found = { index, subset };
          break;
        }
      }
      if (found) break;
    }
    this.coverage.set(key, found);
    return found;
  }

  /**
   * An emoji sequence (👍🏽, 👨‍👩‍👧, 🇫🇷, 1️⃣, ©️) is drawn whole by one colour emoji font that maps
   * each of its code points, so that the shaper can form the sequence's glyph; variation selectors
   * are not in the font's cmap. Returns false when no emoji font maps them all.
   */
  private ensureEmoji(sequence: string, primary: PrimaryFontName): boolean {
    const codePoints = [...sequence]
      .map((character) => character.codePointAt(0) ?? 0)
      .filter((codePoint) => codePoint < 0xfe00 || codePoint > 0xfe0f);
    const coverage = this.coverageOf(primary, codePoints, true);
    if (coverage) this.register(coverage.index, coverage.subset);
    return coverage !== null;
  }

  /**
   * Makes sure every character of `text` can be drawn, in every weight, with the stack of
   * `primary`. Returns the characters no shipped font maps (they would render as boxes).
   */
  ensure(text: string, primary: PrimaryFontName): string[] {
    const missing: string[] = [];
    const rest = text.replace(emojiSequence, (sequence) =>
      this.ensureEmoji(sequence, primary) ? "" : sequence,
    );
    for (const character of new Set(rest)) {
      const codePoint = character.codePointAt(0) ?? 0;
      if (codePoint < 0x20 || isJoinerOrSelector(codePoint)) continue;
      const coverage = this.coverageOf(primary, [codePoint]);
      if (!coverage) {
        if (!/\s/u.test(character)) missing.push(character);
        continue;
      }
      this.register(coverage.index, coverage.subset);
    }
    return missing;
  }

  /**
   * Each subset file gets a family name of its own ("Noto Sans SC 4"): some Skia builds consult
   * only one typeface per family name and style, so subsets sharing a name would hide each other
   * (measured with @napi-rs/canvas 1.0.11: CJK from the second subset on drew as boxes). All
   * weights of a subset are registered at once: adding a weight to a name already used for drawing
   * left text measured before it drawing boxes (measured: an Arabic eyebrow at 600 after a 400
   * subtitle registered). So a name never changes once text has used it.
   */
  private register(index: FamilyIndex, subset: Subset): void {
    const alias = `${index.entry.family} ${subset.stem}`;
    if (this.registered.has(alias)) return;
    this.registered.add(alias);
    let registeredAny = false;
    for (const file of subsetFiles(index, subset)) {
      this.engine.registerFont(file, alias);
      registeredAny = true;
    }
    if (!registeredAny) return;
    const familyAliases = this.aliases.get(index.entry.family) ?? [];
    familyAliases.push(alias);
    this.aliases.set(index.entry.family, familyAliases);
  }

  /**
   * A canvas `font` string over every registered subset of the stack, in fallback order; with
   * `emojiFirst`, the colour emoji fonts lead (for emoji sequences whose base the primary maps).
   */
  fontString(primary: PrimaryFontName, weight: number, sizePx: number, emojiFirst = false): string {
    const stack = fontStack(primary);
    const ordered = emojiFirst
      ? [
          ...stack.filter((entry) => entry.colorEmoji),
          ...stack.filter((entry) => !entry.colorEmoji),
        ]
      : stack;
    const families = ordered.flatMap((entry) => this.aliases.get(entry.family) ?? []);
    const list = (families.length ? families : [primaryFonts[primary].family]).map(
      (name) => `"${name}"`,
    );
    return `${weight} ${sizePx}px ${list.join(", ")}`;
  }
}
