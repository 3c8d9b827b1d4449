// Parses durations given on the command line: 90s, 30m, 2h, 1d (or combinations like 1h30m), and whole-flag ranges for them.
import { InvalidArgumentError } from "commander";

const unitMs = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * The longest duration any flag takes (a year, the longest a batch can live: RETENTION_HOURS and
 * MAX_TTL_HOURS stop at 8760 h). Anything longer is a typo, and past Number's exact integers
 * (`99999999999999999999d`) arithmetic on it would be silently wrong.
 */
export const longestDurationMs = 365 * unitMs.d;

export function parseDuration(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)([smhd])/g)];
  if (!parts.length || parts.map((part) => part[0]).join("") !== text) {
    throw new InvalidArgumentError(
      `expected a duration such as 90s, 30m, 2h or 1d; received ${text}`,
    );
  }
  const ms = parts.reduce(
    (total, [, amount, unit]) => total + Number(amount) * unitMs[unit as keyof typeof unitMs],
    0,
  );
  if (ms > longestDurationMs) {
    throw new InvalidArgumentError(
      `expected a duration of at most ${formatDuration(longestDurationMs)}; received ${text}`,
    );
  }
  return ms;
}

const units = [
  ["d", unitMs.d],
  ["h", unitMs.h],
  ["m", unitMs.m],
  ["s", unitMs.s],
] as const;

/** A duration as `cardpress` takes it (7d, 90m, 0s): the largest unit that divides it. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of units) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms / 1000}s`;
}

/** A commander argument parser for a number of seconds from minSeconds to maxSeconds (decimals allowed). */
export function secondsWithin(minSeconds: number, maxSeconds: number): (text: string) => number {
  return (text) => {
    const seconds = /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
    if (!(seconds >= minSeconds && seconds <= maxSeconds)) {
      throw new InvalidArgumentError(
        `expected a number of seconds from ${minSeconds} to ${maxSeconds}; received ${text}`,
      );
    }
    return seconds;
  };
}
