// The font files of each shipped @fontsource family and the exact code points each subset file maps.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseJsonDocument } from "../../support";
import {
  decodeRanges,
  intersectRanges,
  parseUnicodeRange,
  type CodePointRanges,
} from "./codePointRanges";
import { fallbackFonts, primaryFonts, type FontFamilyEntry } from "./catalog";
import { fontFileCodePoints } from "./fontCmap";
import { shippedCoverage } from "./shippedCoverage";

export interface Subset {
  /** File stem such as `noto-sans-sc-4` or `inter-latin`. */
  stem: string;
  /**
   * The subset's unicode-range as fontsource declares it (normalised), or null for a complete font,
   * where only its cmap counts.
   */
  declared: CodePointRanges | null;
}

export interface FamilyIndex {
  entry: FontFamilyEntry;
  directory: string;
  /** The installed package's version: the generated coverage index is valid for one version. */
  version: string;
  subsets: Subset[];
}

/** The folder of an installed @fontsource package. */
export function fontPackageDirectory(packageName: string): string {
  return path.dirname(require.resolve(`${packageName}/package.json`));
}

/** What is read of a @fontsource package: its version, and each subset's unicode-range (unicode.json). */
const fontPackageManifestSchema = z.looseObject({ version: z.string().min(1) });
const unicodeRangesSchema = z.record(z.string(), z.string());

const familyIndexes = new Map<string, FamilyIndex>();

export function indexFamily(entry: FontFamilyEntry): FamilyIndex {
  const cached = familyIndexes.get(entry.family);
  if (cached) return cached;
  const directory = fontPackageDirectory(entry.packageName);
  const readJson = <T>(file: string, schema: z.ZodType<T>): T => {
    const where = path.join(directory, file);
    return parseJsonDocument(fs.readFileSync(where, "utf8"), schema, where);
  };
  const { version } = readJson("package.json", fontPackageManifestSchema);
  const id = entry.packageName.replace("@fontsource/", "");
  const unicode = readJson("unicode.json", unicodeRangesSchema);
  const subsets: Subset[] = entry.wholeFontStem
    ? [{ stem: entry.wholeFontStem, declared: null }]
    : Object.entries(unicode).map(([key, ranges]) => ({
        stem: `${id}-${key.replace(/^\[(\d+)\]$/, "$1")}`,
        declared: parseUnicodeRange(ranges),
      }));
  const index = { entry, directory, version, subsets };
  familyIndexes.set(entry.family, index);
  return index;
}

/** Every family cardpress may draw with, primaries first. */
export function allFamilies(): FamilyIndex[] {
  return [...Object.values(primaryFonts), ...fallbackFonts].map(indexFamily);
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

/** The files of a subset that exist, one per weight the catalog uses. */
export function subsetFiles(index: FamilyIndex, subset: Subset): string[] {
  return index.entry.weights
    .map((weight) => subsetFile(index, subset, weight))
    .filter((file) => fs.existsSync(file));
}

/** Every font file cardpress may load: what a deployment package must carry. */
export function allFontFiles(): string[] {
  return allFamilies().flatMap((index) =>
    index.subsets.flatMap((subset) => subsetFiles(index, subset)),
  );
}

/**
 * Reads a subset's coverage from its files: the code points every weight maps, because all weights
 * share one family name once registered (a code point only some weights map would draw as a box in
 * the others). Slow (fontkit), so used to generate the index and when the index is stale.
 */
export function readSubsetCodePoints(index: FamilyIndex, subset: Subset): CodePointRanges {
  const perFile = subsetFiles(index, subset).map(fontFileCodePoints);
  const [first, ...rest] = perFile;
  return rest.reduce(intersectRanges, first ?? []);
}

const subsetCodePointsCache = new Map<string, CodePointRanges>();

/**
 * The code points a subset's files map: from the generated index when it was made from the
 * installed package version, else read from the files (an upgraded font package must not make the
 * index silently wrong).
 */
export function subsetCodePoints(index: FamilyIndex, subset: Subset): CodePointRanges {
  const key = `${index.entry.packageName}/${subset.stem}`;
  let ranges = subsetCodePointsCache.get(key);
  if (ranges) return ranges;
  const shipped = shippedCoverage[index.entry.packageName];
  const encoded = shipped?.version === index.version ? shipped.files[subset.stem] : undefined;
  ranges = encoded === undefined ? readSubsetCodePoints(index, subset) : decodeRanges(encoded);
  subsetCodePointsCache.set(key, ranges);
  return ranges;
}
