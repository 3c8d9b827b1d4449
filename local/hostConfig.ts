// Reads host.json (the Functions host's settings) for the local host: queue options and the HTTP route prefix.
import { readFileSync } from "node:fs";
import path from "node:path";
import { packageRoot } from "../support";

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
  queues: QueueHostOptions;
  /** `extensions.http.routePrefix`: `api` unless host.json says otherwise. */
  routePrefix: string;
}

/** host.json has a value the local host cannot honour. */
export class HostConfigError extends Error {
  override name = "HostConfigError";
}

/**
 * The Functions host's documented defaults, used only for keys host.json leaves out
 * (https://learn.microsoft.com/azure/azure-functions/functions-bindings-storage-queue#host-json).
 */
const hostDefaults = {
  batchSize: 16,
  maxDequeueCount: 5,
  visibilityTimeout: "00:00:00",
  maxPollingInterval: "00:01:00",
  messageEncoding: "base64",
  routePrefix: "api",
} as const;

/** Parses a .NET TimeSpan as host.json writes it: `hh:mm:ss[.fff]` or `d.hh:mm:ss`. */
export function parseTimeSpan(text: string): number {
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(text);
  if (!match) {
    throw new HostConfigError(`host.json time ${JSON.stringify(text)} is not hh:mm:ss`);
  }
  const [, days, hours, minutes, seconds, fraction] = match;
  const wholeSeconds =
    Number(days ?? 0) * 86_400 + Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
  return wholeSeconds * 1000 + Math.round(Number(`0.${fraction ?? "0"}`) * 1000);
}

interface HostJson {
  extensions?: {
    queues?: {
      batchSize?: number;
      newBatchThreshold?: number;
      maxDequeueCount?: number;
      visibilityTimeout?: string;
      maxPollingInterval?: string;
      messageEncoding?: string;
    };
    http?: { routePrefix?: string };
  };
}

export function readHostConfig(file = path.join(packageRoot(), "host.json")): HostConfig {
  const json = JSON.parse(readFileSync(file, "utf8")) as HostJson;
  const queues = json.extensions?.queues ?? {};
  const batchSize = queues.batchSize ?? hostDefaults.batchSize;
  const encoding = (queues.messageEncoding ?? hostDefaults.messageEncoding).toLowerCase();
  if (encoding !== "base64" && encoding !== "none") {
    throw new HostConfigError(`host.json messageEncoding ${encoding} is not base64 or none`);
  }
  return {
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
      messageEncoding: encoding,
    },
    routePrefix: json.extensions?.http?.routePrefix ?? hostDefaults.routePrefix,
  };
}
