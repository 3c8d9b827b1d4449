// How far a built-in rendered by the template engine may drift from its "before" reference (see docs/builtins-comparison.md).
export const builtinTolerance = {
  /** A pixel differs when some channel moved by more than this (0–255): anti-aliasing, gradient rounding. */
  channel: 48,
  /** …and is unmatched when no pixel within this many px matches it: text moved by a pixel or two. */
  radius: 2,
  /** A card passes when at most this share of its pixels are unmatched. */
  unmatchedShare: 0.01,
};
