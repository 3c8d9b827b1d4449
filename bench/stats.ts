// Order statistics the benchmarks report (nearest-rank, no interpolation).

/** The value at percentile `p` (0–100) of already sorted values; NaN when there are none. */
export const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** The median of unsorted values (the upper one of an even count). */
export const median = (values: number[]): number =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
