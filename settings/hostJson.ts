// Reads host.json, the Functions host's settings file, validated whole: function timeout, queue trigger options, HTTP route prefix.
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { JsonDocumentError, packageRoot, parseJsonDocument } from "../support";
import { SettingsError } from "./errors";

/** host.json's `extensions.queues`, with times in milliseconds. */
export interface QueueHostOptions {
  batchSize: number;
  newBatchThreshold: number;
  maxDequeueCount: number;
  /** Delay before a failed message is visible again (the retry delay). */
  visibilityTimeoutMs: number;
  maxPollingIntervalMs: number;
  messageEncoding: "base64" | "none";
}

export interface HostConfig {
  /** `functionTimeout`: the longest one invocation may run; Infinity for `-1` (unbounded plans). */
  functionTimeoutMs: number;
  queues: QueueHostOptions;
  /** `extensions.http.routePrefix`: `api` unless host.json says otherwise. */
  routePrefix: string;
}

/** host.json is not JSON, not of the expected shape, or holds a time that is not a .NET TimeSpan. */
export class HostJsonError extends SettingsError {
  override name = "HostJsonError";
}

/**
 * The Functions host's documented defaults, used only for keys host.json leaves out
 * (https://learn.microsoft.com/azure/azure-functions/functions-host-json and
 * https://learn.microsoft.com/azure/azure-functions/functions-bindings-storage-queue#host-json).
 * functionTimeout's default is the Consumption plan's, the plan infra/ deploys.
 */
const hostDefaults = {
  functionTimeout: "00:05:00",
  batchSize: 16,
  maxDequeueCount: 5,
  visibilityTimeout: "00:00:00",
  maxPollingInterval: "00:01:00",
  messageEncoding: "base64",
  routePrefix: "api",
} as const;

/** The queue trigger's limits: a receive returns at most 32 messages; polls at most every 100 ms. */
const maxBatchSize = 32;
const minPollingIntervalMs = 100;

const timeSpanPattern = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/;
const timeSpanExpected = "expected a time span hh:mm:ss[.fffffff] or d.hh:mm:ss, such as 00:00:30";

/** Parses a .NET TimeSpan as host.json writes it: `hh:mm:ss[.fff]` or `d.hh:mm:ss`. */
export function parseTimeSpan(text: string): number {
  const match = timeSpanPattern.exec(text);
  if (!match) {
    throw new HostJsonError(`host.json time ${JSON.stringify(text)} is not hh:mm:ss`);
  }
  const [, days, hours, minutes, seconds, fraction] = match;
  const wholeSeconds =
    Number(days ?? 0) * 86_400 + Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
  return wholeSeconds * 1000 + Math.round(Number(`0.${fraction ?? "0"}`) * 1000);
}

const timeSpan = z.string({ error: timeSpanExpected }).regex(timeSpanPattern, timeSpanExpected);

const integer = (min: number, max = Number.MAX_SAFE_INTEGER) => {
  const expected =
    max === Number.MAX_SAFE_INTEGER
      ? `expected an integer of at least ${min}`
      : `expected an integer from ${min} to ${max}`;
  return z.int({ error: expected }).min(min, expected).max(max, expected);
};

const httpLimitExpected = "expected a positive integer, or -1 for no limit";
/** The host's "no limit" value for the HTTP throttles, or a positive count. */
const httpLimit = z
  .int({ error: httpLimitExpected })
  .refine((count) => count === -1 || count >= 1, httpLimitExpected);

const functionTimeoutExpected = `${timeSpanExpected}, or "-1" for unbounded`;

/** The parts of host.json cardpress reads or relies on; other keys (logging, bundle) pass through. */
const hostJsonSchema = z.looseObject({
  version: z.literal("2.0", { error: 'expected "2.0" (the Functions runtime 2.x+ format)' }),
  functionTimeout: z
    .string({ error: functionTimeoutExpected })
    .refine((text) => text === "-1" || timeSpanPattern.test(text), functionTimeoutExpected)
    .optional(),
  extensions: z
    .looseObject({
      queues: z
        .looseObject({
          batchSize: integer(1, maxBatchSize).optional(),
          newBatchThreshold: integer(0).optional(),
          maxDequeueCount: integer(1).optional(),
          visibilityTimeout: timeSpan.optional(),
          maxPollingInterval: timeSpan
            .refine((text) => parseTimeSpan(text) >= minPollingIntervalMs, {
              error: `expected at least 00:00:00.100 (the host polls at most every ${minPollingIntervalMs} ms)`,
            })
            .optional(),
          // The host reads the encoding case-insensitively.
          messageEncoding: z
            .string({ error: 'expected "base64" or "none"' })
            .transform((text) => text.toLowerCase())
            .pipe(z.enum(["base64", "none"], { error: 'expected "base64" or "none"' }))
            .optional(),
        })
        .optional(),
      http: z
        .looseObject({
          routePrefix: z
            .string({ error: "expected a path prefix such as api" })
            .refine((text) => !text.startsWith("/") && !text.endsWith("/"), {
              error: 'expected a path prefix without leading or trailing "/", such as api',
            })
            .optional(),
          maxConcurrentRequests: httpLimit.optional(),
          maxOutstandingRequests: httpLimit.optional(),
          dynamicThrottlesEnabled: z.boolean({ error: "expected true or false" }).optional(),
        })
        .optional(),
    })
    .optional(),
});

type HostJson = z.infer<typeof hostJsonSchema>;

/** The file's text, validated: the error names each wrong field, the value and what was expected. */
function parseHostJson(file: string): HostJson {
  try {
    return parseJsonDocument(readFileSync(file, "utf8"), hostJsonSchema, file);
  } catch (error) {
    // Rethrown as the settings layer's own error, so the CLI answers "fix the setting", not a stack.
    if (error instanceof JsonDocumentError) throw new HostJsonError(error.message);
    throw error;
  }
}

/** Reads and validates host.json (by default the package's own), filling in the host's defaults. */
export function readHostConfig(file = path.join(packageRoot(), "host.json")): HostConfig {
  const json = parseHostJson(file);
  const queues = json.extensions?.queues ?? {};
  const batchSize = queues.batchSize ?? hostDefaults.batchSize;
  const functionTimeout = json.functionTimeout ?? hostDefaults.functionTimeout;
  return {
    functionTimeoutMs: functionTimeout === "-1" ? Infinity : parseTimeSpan(functionTimeout),
    queues: {
      batchSize,
      // The host's default threshold is half the batch size.
      newBatchThreshold: queues.newBatchThreshold ?? Math.floor(batchSize / 2),
      maxDequeueCount: queues.maxDequeueCount ?? hostDefaults.maxDequeueCount,
      visibilityTimeoutMs: parseTimeSpan(
        queues.visibilityTimeout ?? hostDefaults.visibilityTimeout,
      ),
      maxPollingIntervalMs: parseTimeSpan(
        queues.maxPollingInterval ?? hostDefaults.maxPollingInterval,
      ),
      messageEncoding: queues.messageEncoding ?? hostDefaults.messageEncoding,
    },
    routePrefix: json.extensions?.http?.routePrefix ?? hostDefaults.routePrefix,
  };
}

let packageHostConfig: HostConfig | undefined;

/** The package's own host.json, read once per process: what the deployed Functions host applies. */
export function deployedHostConfig(): HostConfig {
  packageHostConfig ??= readHostConfig();
  return packageHostConfig;
}
