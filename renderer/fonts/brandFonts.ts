// A template's brand fonts for one card: checked, registered, and chosen by family and weight for its text.
import type { CanvasEngine } from "../engine/types";
import { FontFileError, requireAsset } from "../errors";
import type { BrandFont } from "../template/schema";
import { rangesCover } from "./codePointRanges";
import type { PrimaryFontName } from "./catalog";
import {
  brandFontRegistryOf,
  type BrandFontRegistry,
  type RegisteredFont,
} from "./brandFontRegistry";

/** One brand font file as text draws it at one weight. */
export interface BrandFace {
  /** The family name the file is registered under (from its content hash). */
  alias: string;
  /** Whether the file's own cmap maps a code point: what it lacks falls back to the shipped fonts. */
  maps: (codePoint: number) => boolean;
  /**
   * CSS font-variation-settings for the context: `"wght" 700` picks a variable font's instance
   * (Skia ignores the weight in the font string for a variable font registered once: measured);
   * "normal" for a static font.
   */
  variation: string;
}

/** The files of one brand family: which one draws a weight, and how. */
export interface BrandFamily {
  family: string;
  face(weight: number): BrandFace;
}

/** How text in one family is drawn: the brand face first, then the shipped font's fallback stack. */
export interface TextFont {
  /** The shipped font whose stack (Inter/Noto Serif, emoji, CJK, Arabic, Hebrew) follows the brand face. */
  primary: PrimaryFontName;
  brand?: BrandFamily;
}

/** A file of a family with the weights it draws: one for a static font, a range for a variable one. */
interface FaceFile {
  font: RegisteredFont;
  min: number;
  max: number;
  variable: boolean;
}

const familyKey = (family: string) => family.trim().toLowerCase();

function distance(file: FaceFile, weight: number): number {
  return weight < file.min ? file.min - weight : weight > file.max ? weight - file.max : 0;
}

/**
 * The file that draws `weight`: one whose weights include it, else the nearest, ties going to the
 * lighter file up to 500 and to the heavier above (as CSS font matching leans); then the first declared.
 */
function pick(files: readonly FaceFile[], weight: number): FaceFile {
  const [first, ...rest] = files;
  if (!first) throw new RangeError("a brand family has at least one file");
  return rest.reduce((best, file) => {
    const [a, b] = [distance(file, weight), distance(best, weight)];
    if (a !== b) return a < b ? file : best;
    if (a === 0) return best;
    const heavier = file.min > best.max;
    return weight > 500 === heavier ? file : best;
  }, first);
}

class Family implements BrandFamily {
  private readonly files: FaceFile[] = [];
  private readonly faces = new Map<number, BrandFace>();

  constructor(readonly family: string) {}

  add(file: FaceFile): void {
    this.files.push(file);
  }

  face(weight: number): BrandFace {
    let face = this.faces.get(weight);
    if (!face) {
      const file = pick(this.files, weight);
      const { codePoints } = file.font.facts;
      const instance = Math.min(file.max, Math.max(file.min, weight));
      face = {
        alias: file.font.alias,
        maps: (codePoint) => rangesCover(codePoints, codePoint),
        variation: file.variable ? `"wght" ${instance}` : "normal",
      };
      this.faces.set(weight, face);
    }
    return face;
  }
}

/** The weights one file draws, from its declared weight and its own tables. */
function faceFile(font: RegisteredFont, declared: number | undefined, label: string): FaceFile {
  const axis = font.facts.weightAxis;
  if (!axis) {
    const weight = declared ?? font.facts.weightClass;
    return { font, min: weight, max: weight, variable: false };
  }
  if (declared === undefined) return { font, min: axis.min, max: axis.max, variable: true };
  if (declared < axis.min || declared > axis.max) {
    throw new FontFileError(
      `${label}: weight ${declared} is outside the font's wght axis (${axis.min}–${axis.max}); give a weight inside it, or none to use the whole axis`,
    );
  }
  return { font, min: declared, max: declared, variable: true };
}

/** A card's brand fonts, registered, by family. */
export class BrandFontSet {
  private readonly families = new Map<string, Family>();

  constructor(files: readonly { family: string; file: FaceFile }[]) {
    for (const { family, file } of files) {
      const key = familyKey(family);
      let entry = this.families.get(key);
      if (!entry) {
        entry = new Family(family);
        this.families.set(key, entry);
      }
      entry.add(file);
    }
  }

  /** The brand family of that name (ignoring case), or undefined: then it is a shipped family. */
  family(name: string | undefined): BrandFamily | undefined {
    return name === undefined ? undefined : this.families.get(familyKey(name));
  }
}

/** Font bytes by asset name, as the caller loaded them (the renderer reads no files). */
export type FontAssetBytes = ReadonlyMap<string, Uint8Array>;

/**
 * Checks and registers a template's brand fonts for one card (each distinct file once per engine:
 * later cards find it by content hash). Throws AssetError when a file was not provided,
 * FontFileError (naming `fonts[i].src` and the reason) when one cannot be drawn with, and
 * BrandFontBudgetError when the process's budget for brand fonts is spent.
 */
export function registerBrandFonts(
  engine: CanvasEngine,
  fonts: readonly BrandFont[],
  assets: FontAssetBytes,
  registry: BrandFontRegistry = brandFontRegistryOf(engine),
): BrandFontSet {
  const files = fonts.map((declared, index) => {
    const field = `fonts[${index}].src`;
    const bytes = requireAsset(assets, field, declared.src);
    const label = `${field} "${declared.src}"`;
    const font = registry.register(bytes, label);
    return { family: declared.family, file: faceFile(font, declared.weight, label) };
  });
  return new BrandFontSet(files);
}

/**
 * Extends a family → shipped-font choice with brand families: a declared brand family draws with
 * its face first and the choice for the template's default family after it. Anything else (and no
 * family at all) is left to `shipped`.
 */
export function withBrandFamilies<T extends { primary: PrimaryFontName; warning?: string }>(
  set: BrandFontSet,
  shipped: (family: string | undefined) => T,
): (family: string | undefined) => T | (T & { brand: BrandFamily }) {
  return (family) => {
    const brand = set.family(family);
    if (!brand) return shipped(family);
    // The template's default family (no warning: it is always shipped) draws what the brand lacks.
    return { ...shipped(undefined), brand };
  };
}
