// The fonts cardpress ships (npm @fontsource packages) and the fallback order across scripts.

export interface FontFamilyEntry {
  /** Family name used in canvas font strings. */
  family: string;
  /** The @fontsource package that ships it. */
  packageName: string;
  /** Weights we use; others are matched to the nearest of these. */
  weights: readonly number[];
  /**
   * Load this one file (stem without weight) for every code point the package covers, instead of
   * the per-range subset files.
   */
  wholeFontStem?: string;
  /** A colour emoji font: emoji sequences are drawn whole by the first of these that maps them. */
  colorEmoji?: boolean;
}

/** Families a card may choose as its primary font (`theme.font`). */
export const primaryFonts = {
  Inter: { family: "Inter", packageName: "@fontsource/inter", weights: [400, 600, 800] },
  "Noto Serif": {
    family: "Noto Serif",
    packageName: "@fontsource/noto-serif",
    weights: [400, 700],
  },
} as const satisfies Record<string, FontFamilyEntry>;

export type PrimaryFontName = keyof typeof primaryFonts;
export const primaryFontNames = Object.keys(primaryFonts) as [
  PrimaryFontName,
  ...PrimaryFontName[],
];

/**
 * Fallbacks after the primary font, in order. Emoji comes before CJK because the CJK fonts carry
 * monochrome glyphs for some emoji code points; Korean before Arabic and Hebrew by frequency only
 * (their code points do not overlap).
 */
export const fallbackFonts: readonly FontFamilyEntry[] = [
  {
    family: "Noto Color Emoji",
    packageName: "@fontsource/noto-color-emoji",
    weights: [400],
    // Its range-split files draw nothing on their own (measured: 0 coloured pixels for 🎉 from the
    // subset that lists it); the complete font in the package's "emoji" file draws every emoji.
    wholeFontStem: "noto-color-emoji-emoji",
    colorEmoji: true,
  },
  { family: "Noto Sans SC", packageName: "@fontsource/noto-sans-sc", weights: [400, 700] },
  { family: "Noto Sans KR", packageName: "@fontsource/noto-sans-kr", weights: [400, 700] },
  { family: "Noto Sans Arabic", packageName: "@fontsource/noto-sans-arabic", weights: [400, 700] },
  { family: "Noto Sans Hebrew", packageName: "@fontsource/noto-sans-hebrew", weights: [400, 700] },
];

/** The full stack for a primary font, in fallback order. */
export function fontStack(primary: PrimaryFontName): readonly FontFamilyEntry[] {
  return [primaryFonts[primary], ...fallbackFonts];
}
