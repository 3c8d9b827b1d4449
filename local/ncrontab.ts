// NCRONTAB schedules as the Functions timer trigger reads them: 6 fields (second first), evaluated in UTC.
import { LocalStackError } from "./errors";

/** A schedule expression the timer trigger would reject. */
export class ScheduleError extends LocalStackError {
  override name = "ScheduleError";
}

interface FieldRange {
  name: string;
  min: number;
  max: number;
  /** Names allowed in place of numbers (months, weekdays). */
  aliases?: readonly string[];
}

const fields: readonly FieldRange[] = [
  { name: "second", min: 0, max: 59 },
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  {
    name: "month",
    min: 1,
    max: 12,
    aliases: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
  },
  {
    name: "day of week",
    min: 0,
    max: 6,
    aliases: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
  },
];

export interface Schedule {
  expression: string;
  /** Allowed values per field, in the order second, minute, hour, day, month, weekday. */
  allowed: readonly ReadonlySet<number>[];
}

function parseValue(text: string, field: FieldRange, expression: string): number {
  const aliasIndex = field.aliases?.indexOf(text.toLowerCase()) ?? -1;
  // Month names count from 1, weekday names from 0 (Sunday).
  if (aliasIndex >= 0) return aliasIndex + field.min;
  const value = Number(text);
  // 7 is Sunday too, as in cron.
  if (field.name === "day of week" && value === 7) return 0;
  if (!/^\d+$/.test(text) || value < field.min || value > field.max) {
    throw new ScheduleError(
      `schedule "${expression}": ${field.name} value "${text}" is outside ${field.min}-${field.max}`,
    );
  }
  return value;
}

function parseField(text: string, field: FieldRange, expression: string): Set<number> {
  const allowed = new Set<number>();
  for (const part of text.split(",")) {
    const [rangeText = "", stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) {
      throw new ScheduleError(
        `schedule "${expression}": step "${stepText}" is not a whole number ≥ 1`,
      );
    }
    let from: number;
    let to: number;
    if (rangeText === "*") {
      [from, to] = [field.min, field.max];
    } else if (rangeText.includes("-")) {
      const [low = "", high = ""] = rangeText.split("-");
      [from, to] = [parseValue(low, field, expression), parseValue(high, field, expression)];
    } else {
      from = parseValue(rangeText, field, expression);
      // "5/10" means from 5 to the end in steps of 10.
      to = stepText === undefined ? from : field.max;
    }
    for (let value = from; value <= to; value += step) allowed.add(value);
  }
  return allowed;
}

export function parseSchedule(expression: string): Schedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== fields.length) {
    throw new ScheduleError(
      `schedule "${expression}" has ${parts.length} fields; NCRONTAB needs 6 (second minute hour day month weekday)`,
    );
  }
  return {
    expression,
    allowed: parts.map((part, index) => parseField(part, fields[index] as FieldRange, expression)),
  };
}

/** The first occurrence strictly after `after` (UTC, whole seconds). */
export function nextOccurrence(schedule: Schedule, after: Date): Date {
  const [seconds, minutes, hours, days, months, weekdays] = schedule.allowed as [
    ReadonlySet<number>,
    ReadonlySet<number>,
    ReadonlySet<number>,
    ReadonlySet<number>,
    ReadonlySet<number>,
    ReadonlySet<number>,
  ];
  const candidate = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
  // Bounded search: five years covers every valid expression (29 February included).
  const limit = after.getTime() + 5 * 366 * 86_400_000;
  while (candidate.getTime() <= limit) {
    if (!months.has(candidate.getUTCMonth() + 1)) {
      candidate.setUTCMonth(candidate.getUTCMonth() + 1, 1);
      candidate.setUTCHours(0, 0, 0);
      continue;
    }
    if (!days.has(candidate.getUTCDate()) || !weekdays.has(candidate.getUTCDay())) {
      candidate.setUTCDate(candidate.getUTCDate() + 1);
      candidate.setUTCHours(0, 0, 0);
      continue;
    }
    if (!hours.has(candidate.getUTCHours())) {
      candidate.setUTCHours(candidate.getUTCHours() + 1, 0, 0);
      continue;
    }
    if (!minutes.has(candidate.getUTCMinutes())) {
      candidate.setUTCMinutes(candidate.getUTCMinutes() + 1, 0);
      continue;
    }
    if (!seconds.has(candidate.getUTCSeconds())) {
      candidate.setUTCSeconds(candidate.getUTCSeconds() + 1);
      continue;
    }
    return candidate;
  }
  throw new ScheduleError(`schedule "${schedule.expression}" never occurs`);
}
