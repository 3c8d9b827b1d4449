// Registers only the font subset files a text needs, found through each @fontsource package's unicode ranges.
import fs from "node:fs";
import path from "node:path";
import type { CanvasEngine } from "../engine/types";
import { woff2CodePoints, type CodePointRanges } from "./woff2-cmap";
import {
  fallbackFonts,
  fontStack,
  primaryFonts,
  type FontFamilyEntry,
  type PrimaryFontName,
} from "./catalog";

interface Subset {
  /** File stem such as `noto-sans-sc-4` or `inter-latin`. */
  stem: string;
  /** Inclusive code point ranges, sorted. */
  ranges: [number, number][];
}

interface FamilyIndex {
  entry: FontFamilyEntry;
  directory: string;
  subsets: Subset[];
}

function parseRanges(unicodeRange: string): [number, number][] {
  return unicodeRange
    .split(",")
    .map((part) => part.trim().replace(/^U\+/i, ""))
    .filter(Boolean)
    .map((part): [number, number] => {
      const [low, high] = part.split("-");
      const start = parseInt(low ?? "", 16);
      return [start, high ? parseInt(high, 16) : start];
    })
    .sort((a, b) => a[0] - b[0]);
}

function covers(ranges: readonly [number, number][], codePoint: number): boolean {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const range = ranges[middle];
    if (!range) break;
    if (codePoint < range[0]) high = middle - 1;
    else if (codePoint > range[1]) low = middle + 1;
    else return true;
  }
  return false;
}

/** The folder of an installed @fontsource package. */
export function fontPackageDirectory(packageName: string): string {
  return path.dirname(require.resolve(`${packageName}/package.json`));
}

const familyIndexes = new Map<string, FamilyIndex>();

function indexFamily(entry: FontFamilyEntry): FamilyIndex {
  const cached = familyIndexes.get(entry.family);
  if (cached) return cached;
  const directory = fontPackageDirectory(entry.packageName);
  const id = entry.packageName.replace("@fontsource/", "");
  const unicode = JSON.parse(
    fs.readFileSync(path.join(directory, "unicode.json"), "utf8"),
  ) as Record<string, string>;
  const subsets = entry.wholeFontStem
    ? [{ stem: entry.wholeFontStem, ranges: parseRanges(Object.values(unicode).join(",")) }]
    : Object.entries(unicode).map(([key, ranges]) => ({
        stem: `${id}-${key.replace(/^\[(\d+)\]$/, "$1")}`,
        ranges: parseRanges(ranges),
      }));
  const index = { entry, directory, subsets };
  familyIndexes.set(entry.family, index);
  return index;
}

function nearestWeight(available: readonly number[], wanted: number): number {
  return available.reduce((best, weight) =>
    Math.abs(weight - wanted) < Math.abs(best - wanted) ? weight : best,
  );
}

function subsetFile(index: FamilyIndex, subset: Subset, weight: number): string {
  return path.join(
    index.directory,
    "files",
    `${subset.stem}-${nearestWeight(index.entry.weights, weight)}-normal.woff2`,
  );
}

/** Every font file cardpress may load: what a deployment package must carry. */
export function allFontFiles(): string[] {
  const entries = [...Object.values(primaryFonts), ...fallbackFonts];
  return entries
    .flatMap((entry) => {
      const index = indexFamily(entry);
      return index.subsets.flatMap((subset) =>
        entry.weights.map((weight) => subsetFile(index, subset, weight)),
      );
    })
    .filter((file) => fs.existsSync(file));
}

const fileCodePoints = new Map<string, CodePointRanges | null>();

/**
 * Whether a subset file really maps a code point. fontsource's unicode ranges are supersets: Noto
 * Sans SC's list Arabic letters and Hangul its files draw as "NO GLYPH" (measured), so a range
 * match is confirmed against the file's own cmap. Complete fonts are trusted (reading the 5.8 MB
 * emoji font would cost ~130 ms). An unreadable cmap falls back to the declared ranges.
 */
function drawsCodePoint(index: FamilyIndex, subset: Subset, codePoint: number): boolean {
  if (index.entry.wholeFontStem) return true;
  const file = subsetFile(index, subset, index.entry.weights[0] ?? 400);
  let ranges = fileCodePoints.get(file);
  if (ranges === undefined) {
    try {
      ranges = woff2CodePoints(fs.readFileSync(file));
    } catch {
      ranges = null;
    }
    fileCodePoints.set(file, ranges);
  }
  return ranges === null || covers(ranges, codePoint);
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

  private coverageOf(primary: PrimaryFontName, codePoint: number): Coverage | null {
    const key = `${primary}:${codePoint}`;
    const cached = this.coverage.get(key);
    if (cached !== undefined) return cached;
    let found: Coverage | null = null;
    for (const entry of fontStack(primary)) {
      const index = indexFamily(entry);
      const subset = index.subsets.find(
        (candidate) =>
          covers(candidate.ranges, codePoint) && drawsCodePoint(index, candidate, codePoint),
      );
      if (subset) {
        found = { index, subset };
        break;
      }
    }
    this.coverage.set(key, found);
    return found;
  }

  /**
   * Makes sure every character of `text` can be drawn, in every weight, with the stack of
   * `primary`. Returns the characters no shipped font covers (they would render as boxes).
   */
  ensure(text: string, primary: PrimaryFontName): string[] {
    const missing: string[] = [];
    for (const character of new Set(text)) {
      const codePoint = character.codePointAt(0) ?? 0;
      // Controls, joiners and variation selectors are not drawn on their own.
      if (codePoint < 0x20 || codePoint === 0x200d || (codePoint >= 0xfe00 && codePoint <= 0xfe0f))
        continue;
      const coverage = this.coverageOf(primary, codePoint);
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
    for (const weight of index.entry.weights) {
      const file = subsetFile(index, subset, weight);
      if (!fs.existsSync(file)) continue;
      this.engine.registerFont(file, alias);
      registeredAny = true;
    }
    if (!registeredAny) return;
    const familyAliases = this.aliases.get(index.entry.family) ?? [];
    familyAliases.push(alias);
    this.aliases.set(index.entry.family, familyAliases);
  }

  /** A canvas `font` string over every registered subset of the stack, in fallback order. */
  fontString(primary: PrimaryFontName, weight: number, sizePx: number): string {
    const families = fontStack(primary).flatMap((entry) => this.aliases.get(entry.family) ?? []);
    const list = (families.length ? families : [primaryFonts[primary].family]).map(
      (name) => `"${name}"`,
    );
    return `${weight} ${sizePx}px ${list.join(", ")}`;
  }
}
