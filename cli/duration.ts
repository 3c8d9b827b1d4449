// Parses durations given on the command line: 90s, 30m, 2h, 1d (or combinations like 1h30m).
import { InvalidArgumentError } from "commander";

const unitMs = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function parseDuration(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)([smhd])/g)];
  if (!parts.length || parts.map((part) => part[0]).join("") !== text) {
    throw new InvalidArgumentError(
      `expected a duration such as 90s, 30m, 2h or 1d; received ${text}`,
    );
  }
  return parts.reduce(
    (total, [, amount, unit]) => total + Number(amount) * unitMs[unit as keyof typeof unitMs],
    0,
  );
}
