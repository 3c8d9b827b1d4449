// Runs a timer-triggered handler on its NCRONTAB schedule (UTC), one invocation at a time, as the host does.
import { randomUUID } from "node:crypto";
import { InvocationContext, type LogHandler, type Timer } from "@azure/functions";
import type { AppSettings, TimerHandler } from "../functions/host";
import { nextOccurrence, parseSchedule, ScheduleError } from "./ncrontab";

export interface TimerSchedulerOptions {
  functionName: string;
  /** The registration's schedule, possibly `%SETTING%` (resolved from app settings like the host). */
  schedule: string;
  handler: TimerHandler;
  /** App settings: the environment, with the app's setting defaults filled in. */
  appSettings: AppSettings;
  log: LogHandler;
}

/** `%NAME%` → the app setting NAME, as the host resolves binding expressions. */
export function resolveSchedule(schedule: string, appSettings: AppSettings): string {
  return schedule.replace(/%([^%]+)%/g, (_, name: string) => {
    const value = appSettings[name];
    if (!value)
      throw new ScheduleError(`timer schedule ${schedule}: app setting ${name} is not set`);
    return value;
  });
}

const maxTimeoutMs = 2 ** 31 - 1;

export interface TimerScheduler {
  readonly expression: string;
  /** The next planned run. */
  readonly next: Date;
  /** Stops scheduling and waits for a running invocation to finish. */
  stop(): Promise<void>;
}

export function startTimerScheduler(options: TimerSchedulerOptions): TimerScheduler {
  const expression = resolveSchedule(options.schedule, options.appSettings);
  const schedule = parseSchedule(expression);
  let last = new Date();
  let next = nextOccurrence(schedule, last);
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const fire = () => {
    const due = next;
    const now = new Date();
    next = nextOccurrence(schedule, now);
    // The host holds a lock per timer function: an occurrence during a run is skipped.
    if (!running) {
      const input: Timer = {
        isPastDue: now.getTime() - due.getTime() > 1000,
        schedule: { adjustForDST: false },
        scheduleStatus: {
          last: last.toISOString(),
          next: next.toISOString(),
          lastUpdated: now.toISOString(),
        },
      };
      last = due;
      const context = new InvocationContext({
        functionName: options.functionName,
        invocationId: randomUUID(),
        logHandler: (level, ...args) => options.log(level, `${options.functionName}:`, ...args),
      });
      running = options
        .handler(input, context)
        .catch((error: unknown) =>
          options.log("error", `${options.functionName}: timer invocation failed:`, error),
        )
        .finally(() => (running = undefined));
    }
    arm();
  };
  const arm = () => {
    if (stopped) return;
    const delay = Math.max(0, next.getTime() - Date.now());
    // setTimeout cannot wait longer than ~24.8 days: re-arm until the occurrence is in reach.
    timer = delay > maxTimeoutMs ? setTimeout(arm, maxTimeoutMs) : setTimeout(fire, delay);
  };
  arm();

  return {
    expression,
    get next() {
      return next;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
