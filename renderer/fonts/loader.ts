// Registers only the font subset files a text needs, chosen by the exact code points each file maps.
import type { CanvasEngine } from "../engine/types";
import type { BrandFace } from "./brandFonts";
import { rangesCover } from "./codePointRanges";
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
  /** The subset's position in its family: font lists name a family's files in this order. */
  order: number;
  /** The family name the subset's files are registered under. */
  alias: string;
}

/** What a text needs: the files that draw it and the characters no shipped font maps. */
interface Resolved {
  coverages: Set<Coverage>;
  missing: string[];
}

/** Registers fonts with one engine on demand; one instance per engine. */
export class FontLoader {
  private readonly registered = new Set<string>();
  private readonly coverage = new Map<string, Coverage | null>();
  private readonly files = new Map<string, Coverage>();
  /** Registered names with at least one file (a trimmed package may lack a subset's files). */
  private readonly drawable = new Set<string>();

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
        const order = index.subsets.findIndex(
          (candidate) =>
            (!requireDeclared || !candidate.declared || rangesCover(candidate.declared, first)) &&
            mapsAll(index, candidate),
        );
        const subset = index.subsets[order];
        if (subset) {
          const alias = `${index.entry.family} ${subset.stem}`;
          // One object per file, whichever code points led to it: sets of them deduplicate files.
          found = this.files.get(alias) ?? { index, subset, order, alias };
          this.files.set(alias, found);
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
   * are not in the font's cmap. Null when no emoji font maps them all.
   */
  private emojiCoverage(sequence: string, primary: PrimaryFontName): Coverage | null {
    const codePoints = [...sequence]
      .map((character) => character.codePointAt(0) ?? 0)
      .filter((codePoint) => codePoint < 0xfe00 || codePoint > 0xfe0f);
    return this.coverageOf(primary, codePoints, true);
  }

  /**
   * The files that draw every character of `text` with the stack of `primary`, registered (in every
   * weight) before they are named; and the characters no shipped font maps. Characters a brand
   * face maps are its own (outside emoji sequences). Linear in the text.
   */
  private resolve(text: string, primary: PrimaryFontName, brand?: BrandFace): Resolved {
    const coverages = new Set<Coverage>();
    const missing: string[] = [];
    const use = (coverage: Coverage) => {
      if (coverages.has(coverage)) return;
      this.register(coverage);
      coverages.add(coverage);
    };
    const rest = text.replace(emojiSequence, (sequence) => {
      const coverage = this.emojiCoverage(sequence, primary);
      if (!coverage) return sequence;
      use(coverage);
      return "";
    });
    for (const character of new Set(rest)) {
      const codePoint = character.codePointAt(0) ?? 0;
      if (codePoint < 0x20 || isJoinerOrSelector(codePoint)) continue;
      if (brand?.maps(codePoint)) continue;
      const coverage = this.coverageOf(primary, [codePoint]);
      if (coverage) use(coverage);
      else if (!/\s/u.test(character)) missing.push(character);
    }
    return { coverages, missing };
  }

  /**
   * Makes sure every character of `text` can be drawn, in every weight, with the stack of
   * `primary` (after `brand`, when given). Returns the characters no font maps (they would
   * render as boxes).
   */
  ensure(text: string, primary: PrimaryFontName, brand?: BrandFace): string[] {
    return this.resolve(text, primary, brand).missing;
  }

  /**
   * Each subset file gets a family name of its own ("Noto Sans SC 4"): some Skia builds consult
   * only one typeface per family name and style, so subsets sharing a name would hide each other
   * (measured with @napi-rs/canvas 1.0.11: CJK from the second subset on drew as boxes). All
   * weights of a subset are registered at once: adding a weight to a name already used for drawing
   * left text measured before it drawing boxes (measured: an Arabic eyebrow at 600 after a 400
   * subtitle registered). So a name never changes once text has used it.
   */
  private register(coverage: Coverage): void {
    if (this.registered.has(coverage.alias)) return;
    this.registered.add(coverage.alias);
    for (const file of subsetFiles(coverage.index, coverage.subset)) {
      this.engine.registerFont(file, coverage.alias);
      this.drawable.add(coverage.alias);
    }
  }

  /**
   * A canvas `font` string for drawing or measuring `text`: it names only the files the text's own
   * characters need, in fallback order (one family per file, each file once), so its length is
   * bounded by the text's distinct characters, not by what the process rendered before (the cost of
   * every measure and draw grows with the number of families named). The primary font's file for
   * the space always leads: characters no font maps draw as its missing-glyph box. With
   * `emojiFirst`, the colour emoji fonts lead (for emoji sequences whose base the primary maps).
   * A brand face leads the list (after the emoji fonts with `emojiFirst`): the stack's files are
   * named only for the characters it lacks.
   */
  fontString(
    primary: PrimaryFontName,
    weight: number,
    sizePx: number,
    text: string,
    emojiFirst = false,
    brand?: BrandFace,
  ): string {
    const stack = fontStack(primary);
    const rank = (coverage: Coverage) => {
      const position = stack.indexOf(coverage.index.entry);
      const emoji = coverage.index.entry.colorEmoji ? 0 : 1;
      return (emojiFirst ? emoji * stack.length : 0) + position;
    };
    const { coverages } = this.resolve(brand ? text : ` ${text}`, primary, brand);
    const sorted = [...coverages]
      .filter((coverage) => this.drawable.has(coverage.alias))
      .sort((a, b) => rank(a) - rank(b) || a.order - b.order);
    const names = sorted.map((coverage) => `"${coverage.alias}"`);
    if (brand) {
      const emojiLead = emojiFirst ? sorted.filter((c) => c.index.entry.colorEmoji).length : 0;
      names.splice(emojiLead, 0, `"${brand.alias}"`);
    }
    if (!names.length) names.push(`"${primaryFonts[primary].family}"`);
    return `${weight} ${sizePx}px ${names.join(", ")}`;
  }
}
