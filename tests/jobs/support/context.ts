// Real InvocationContext objects (and trigger inputs) for handler tests, with their log lines captured.
import {
  InvocationContext,
  type LogLevel,
  type Timer,
  type TriggerMetadata,
} from "@azure/functions";

export interface LogLine {
  level: LogLevel;
  text: string;
}

export interface CapturedContext {
  context: InvocationContext;
  logs: LogLine[];
}

function describe(arg: unknown): string {
  if (arg instanceof Error) return `${arg.name}: ${arg.message}`;
  return typeof arg === "string" ? arg : JSON.stringify(arg);
}

export function newContext(
  functionName: string,
  triggerMetadata?: TriggerMetadata,
): CapturedContext {
  const logs: LogLine[] = [];
  const context = new InvocationContext({
    functionName,
    invocationId: `test-${Math.random().toString(16).slice(2, 10)}`,
    ...(triggerMetadata ? { triggerMetadata } : {}),
    logHandler: (level, ...args) => logs.push({ level, text: args.map(describe).join(" ") }),
  });
  return { context, logs };
}

/** A timer trigger's input as the host passes it on a normal (not past-due) run. */
export const timerInput: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: "", next: "", lastUpdated: "" },
};
