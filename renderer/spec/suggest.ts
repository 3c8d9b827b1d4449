// "Did you mean …?": the nearest valid name to a misspelt field, option or colour, when one is close.
import type * as Levenshtein from "fastest-levenshtein";

/** Loaded on the first suggestion only: a valid card never needs it. */
function distance(a: string, b: string): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy, synchronous load
  return (require("fastest-levenshtein") as typeof Levenshtein).distance(a, b);
}

/** True when swapping one pair of neighbouring letters turns `a` into `b` (`jepg` → `jpeg`). */
function isOneSwapApart(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const differing = [...a].flatMap((letter, index) => (letter === b[index] ? [] : [index]));
  const [first, second] = differing;
  return (
    differing.length === 2 &&
    first !== undefined &&
    second === first + 1 &&
    a[first] === b[second] &&
    a[second] === b[first]
  );
}

/** Edits between two names; a swap of neighbouring letters counts as one typo, not two. */
function typoDistance(a: string, b: string): number {
  return isOneSwapApart(a, b) ? 1 : distance(a, b);
}

/**
 * The candidate closest to `input` (case-insensitively), or undefined when none is close enough to
 * be a likely typo: fewer than half of what was typed, and at most 40 % of the longer name, may
 * differ (`titel` → `title`, but not `foo` → `logo`).
 */
export function nearestName(input: string, candidates: readonly string[]): string | undefined {
  const typed = input.toLowerCase();
  let best: { name: string; cost: number } | undefined;
  for (const name of candidates) {
    const cost = typoDistance(typed, name.toLowerCase());
    if (!best || cost < best.cost) best = { name, cost };
  }
  if (!best) return undefined;
  const allowed = Math.max(1, Math.round(0.4 * Math.max(typed.length, best.name.length)));
  return best.cost <= allowed && best.cost < typed.length / 2 ? best.name : undefined;
}

/** `; did you mean "title"?` or nothing. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const nearest = nearestName(input, candidates);
  return nearest === undefined ? "" : `; did you mean ${JSON.stringify(nearest)}?`;
}
