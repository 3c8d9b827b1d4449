// Which fonts draw a text node's `font.family`: the shipped families here; brand fonts plug in through FontsFor.
import type { BrandFamily } from "../fonts/brandFonts";
import { primaryFontNames, type PrimaryFontName } from "../fonts/catalog";

/**
 * How one family is drawn. `primary` is the shipped font whose fallback stack (emoji, CJK, Arabic,
 * Hebrew) draws what the family lacks. Brand fonts (renderer/fonts/brand*.ts) extend this with
 * the brand face, which then leads the stack.
 */
export interface FontChoice {
  primary: PrimaryFontName;
  /** A brand family from the template's `fonts`: drawn first, `primary`'s stack after it. */
  brand?: BrandFamily;
  /** A note for the card's warnings, e.g. a family that is neither shipped nor declared. */
  warning?: string;
}

/** The fonts a card's text nodes use, by `font.family` (undefined: the template's default). */
export type FontsFor = (family: string | undefined) => FontChoice;

const defaultPrimary: PrimaryFontName = "Inter";

/** A shipped family by name, ignoring case: "inter", "Noto Serif". */
export function shippedFamily(family: string): PrimaryFontName | undefined {
  const wanted = family.trim().toLowerCase();
  return primaryFontNames.find((name) => name.toLowerCase() === wanted);
}

/** The shipped families only; any other family is drawn in Inter, with a warning naming it. */
export const shippedFontsFor: FontsFor = (family) => {
  if (family === undefined) return { primary: defaultPrimary };
  const primary = shippedFamily(family);
  if (primary) return { primary };
  return {
    primary: defaultPrimary,
    warning: `font.family "${family}" is not a shipped family (${primaryFontNames.join(", ")}) nor a loaded brand font; drawn in ${defaultPrimary}`,
  };
};
