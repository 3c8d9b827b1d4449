// Sorted, disjoint code point ranges: normalising, exact lookup, intersection and a compact text form.

/** Inclusive code point ranges, sorted by start, disjoint and not adjacent (see `normalizeRanges`). */
export type CodePointRanges = readonly (readonly [number, number])[];

/**
 * Sorts and merges ranges so that none overlap or touch. Binary search is only exact over such a
 * list: over overlapping ranges (fontsource's unicode ranges of all subsets joined) it misses code
 * points that a wide range before a narrow one covers.
 */
export function normalizeRanges(ranges: Iterable<readonly [number, number]>): CodePointRanges {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** Ranges from a list of code points in any order, with repeats. */
export function rangesOfCodePoints(codePoints: Iterable<number>): CodePointRanges {
  return normalizeRanges(
    [...codePoints].map((codePoint): [number, number] => [codePoint, codePoint]),
  );
}

/** Whether normalised ranges contain a code point (binary search). */
export function rangesCover(ranges: CodePointRanges, codePoint: number): boolean {
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

/** The code points both normalised lists contain. */
export function intersectRanges(a: CodePointRanges, b: CodePointRanges): CodePointRanges {
  const result: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const left = a[i];
    const right = b[j];
    if (!left || !right) break;
    const start = Math.max(left[0], right[0]);
    const end = Math.min(left[1], right[1]);
    if (start <= end) result.push([start, end]);
    if (left[1] < right[1]) i++;
    else j++;
  }
  return result;
}

/** Parses a CSS unicode-range list such as `U+0-ff,U+131,U+2000-206f`. */
export function parseUnicodeRange(unicodeRange: string): CodePointRanges {
  return normalizeRanges(
    unicodeRange
      .split(",")
      .map((part) => part.trim().replace(/^U\+/i, ""))
      .filter(Boolean)
      .map((part): [number, number] => {
        const [low, high] = part.split("-");
        const start = parseInt(low ?? "", 16);
        return [start, high ? parseInt(high, 16) : start];
      }),
  );
}

/**
 * A compact text form of normalised ranges: for each range, the gap after the previous range's end
 * and the range's length minus one, in base 36 (`gap` alone when the range is one code point).
 */
export function encodeRanges(ranges: CodePointRanges): string {
  let previousEnd = -1;
  return ranges
    .map(([start, end]) => {
      const gap = (start - previousEnd).toString(36);
      previousEnd = end;
      return end === start ? gap : `${gap}+${(end - start).toString(36)}`;
    })
    .join(" ");
}

export function decodeRanges(text: string): CodePointRanges {
  let previousEnd = -1;
  return text
    .split(" ")
    .filter(Boolean)
    .map((part): [number, number] => {
      const [gap, extra] = part.split("+");
      const start = previousEnd + parseInt(gap ?? "", 36);
      previousEnd = start + (extra ? parseInt(extra, 36) : 0);
      return [start, previousEnd];
    });
}
