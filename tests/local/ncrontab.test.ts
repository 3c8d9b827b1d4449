// NCRONTAB parsing and next occurrences (6 fields, UTC), as the timer trigger reads schedules.
import { nextOccurrence, parseSchedule, ScheduleError } from "../../local/ncrontab";
import { resolveSchedule } from "../../local/timerScheduler";
import { parseTimeSpan, readHostConfig } from "../../settings";

const at = (iso: string) => new Date(iso);
const next = (expression: string, after: string) =>
  nextOccurrence(parseSchedule(expression), at(after)).toISOString();

test("every hour on the hour (the default prune schedule)", () => {
  expect(next("0 0 * * * *", "2026-11-23T12:15:00Z")).toBe("2026-11-23T13:00:00.000Z");
  expect(next("0 0 * * * *", "2026-11-23T13:00:00Z")).toBe("2026-11-23T14:00:00.000Z");
});

test("steps, ranges, lists and names", () => {
  expect(next("*/2 * * * * *", "2026-11-23T12:00:01.500Z")).toBe("2026-11-23T12:00:02.000Z");
  expect(next("0 30 9-17/4 * * mon-fri", "2026-11-21T00:00:00Z")).toBe("2026-11-23T09:30:00.000Z");
  expect(next("0 0 0 1 jan,jul *", "2026-02-01T00:00:00Z")).toBe("2026-07-01T00:00:00.000Z");
  expect(next("5/20 * * * * *", "2026-11-23T12:00:06Z")).toBe("2026-11-23T12:00:25.000Z");
  expect(next("0 0 12 * * 7", "2026-11-23T00:00:00Z")).toBe("2026-11-29T12:00:00.000Z");
});

test("29 February is found years ahead", () => {
  expect(next("0 0 0 29 2 *", "2026-03-01T00:00:00Z")).toBe("2028-02-29T00:00:00.000Z");
});

test("bad expressions name the field and the range", () => {
  expect(() => parseSchedule("0 0 * * *")).toThrow(/has 5 fields; NCRONTAB needs 6/);
  expect(() => parseSchedule("0 61 * * * *")).toThrow(/minute value "61" is outside 0-59/);
  expect(() => parseSchedule("0 */0 * * * *")).toThrow(ScheduleError);
  expect(() => nextOccurrence(parseSchedule("0 0 0 31 2 *"), new Date())).toThrow(/never occurs/);
});

test("%SETTING% schedules resolve from app settings", () => {
  expect(resolveSchedule("%PRUNE_SCHEDULE%", { PRUNE_SCHEDULE: "*/5 * * * * *" })).toBe(
    "*/5 * * * * *",
  );
  expect(() => resolveSchedule("%PRUNE_SCHEDULE%", {})).toThrow(/PRUNE_SCHEDULE is not set/);
});

test("host.json is read, not copied: queue options and route prefix", () => {
  const config = readHostConfig();
  expect(config.routePrefix).toBe("api");
  expect(config.queues.messageEncoding).toBe("base64");
  expect(config.queues.maxDequeueCount).toBeGreaterThan(0);
  expect(parseTimeSpan("00:00:30")).toBe(30_000);
  expect(parseTimeSpan("1.02:00:00.5")).toBe(93_600_500);
  expect(() => parseTimeSpan("30s")).toThrow(/not hh:mm:ss/);
});
