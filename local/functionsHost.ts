// The local Functions host: every trigger from functions/host/triggers.ts wired to its handler with host.json's options.
import type { LogHandler, LogLevel } from "@azure/functions";
import { QueueClient } from "@azure/storage-queue";
import { pipeline, readSettings, settingDefinitions } from "../settings";
import {
  functionHandlers,
  type FunctionHandlers,
  type FunctionName,
  triggers,
} from "../functions/host";
import { readHostConfig, type HostConfig } from "./hostConfig";
import { startHttpServer, type HttpRoute, type RunningHttpServer } from "./httpServer";
import { startQueueListener, type QueueListener } from "./queueListener";
import { startTimerScheduler, type TimerScheduler } from "./timerScheduler";

export interface LocalHostOptions {
  /** App settings (connection, PRUNE_SCHEDULE, …); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** HTTP port; 7071 like `func start`, 0 for a free one. */
  port?: number;
  /** host.json as read from the package; tests pass a copy with shorter times. */
  hostConfig?: HostConfig;
  /** Handlers by function name; tests swap one for a failing stand-in. */
  handlers?: Partial<FunctionHandlers>;
  /** The queue lease while a handler runs (see queueListener). */
  leaseMs?: number;
  log?: LogHandler;
}

export interface LocalFunctionsHost {
  httpUrl: string;
  /** Timer functions and their next planned run. */
  timers: { functionName: string; schedule: string; next: () => Date }[];
  queueListeners: QueueListener[];
  /** Stops polling and timers, lets in-flight work finish within graceMs (else requeues it). */
  stop(graceMs?: number): Promise<void>;
}

/** Host-style log lines on stderr: `[time] level: text`. */
export const consoleLogHandler: LogHandler = (level: LogLevel, ...args: unknown[]) => {
  const text = args
    .map((arg) =>
      arg instanceof Error
        ? `${arg.name}: ${arg.message}`
        : typeof arg === "string"
          ? arg
          : JSON.stringify(arg),
    )
    .join(" ");
  process.stderr.write(`[${new Date().toISOString()}] ${level}: ${text}\n`);
};

/** App settings as the functions see them: the environment, with our setting defaults filled in. */
function appSettingsOf(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const settings = readSettings(env);
  const defaults = Object.fromEntries(
    Object.keys(settingDefinitions).map((name) => [
      name,
      String(settings[name as keyof typeof settings]),
    ]),
  );
  return { ...defaults, ...env };
}

export async function startLocalFunctionsHost(
  options: LocalHostOptions = {},
): Promise<LocalFunctionsHost> {
  const env = options.env ?? process.env;
  const config = options.hostConfig ?? readHostConfig();
  const handlers: FunctionHandlers = { ...functionHandlers, ...options.handlers };
  const log = options.log ?? consoleLogHandler;
  const appSettings = appSettingsOf(env);

  const queueListeners: QueueListener[] = [];
  const timers: TimerScheduler[] = [];
  const timerInfo: LocalFunctionsHost["timers"] = [];
  const routes: HttpRoute[] = [];

  for (const name of Object.keys(triggers) as FunctionName[]) {
    const trigger = triggers[name];
    if (trigger.kind === "storageQueue") {
      const connectionString = appSettings[trigger.connection];
      if (!connectionString) {
        throw new Error(`${name}: app setting ${trigger.connection} (queue connection) is not set`);
      }
      // The pipeline's short SDK retries, not the SDK default (4 tries, 4 s doubling: up to 44 s per
      // call). With the default, one settle or poll that met a storage outage kept retrying long
      // after storage was back, and the listener took no new message meanwhile.
      const clientOptions = { retryOptions: { ...pipeline.storageRetry } };
      queueListeners.push(
        startQueueListener({
          functionName: name,
          queue: new QueueClient(connectionString, trigger.queueName, clientOptions),
          // The host's naming rule for poison queues.
          poisonQueue: new QueueClient(
            connectionString,
            `${trigger.queueName}-poison`,
            clientOptions,
          ),
          handler: handlers[name as "renderBatch"],
          dataType: trigger.dataType,
          options: config.queues,
          log,
          ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
        }),
      );
    } else if (trigger.kind === "timer") {
      const scheduler = startTimerScheduler({
        functionName: name,
        schedule: trigger.schedule,
        handler: handlers[name as "pruneRenders"],
        appSettings,
        log,
      });
      timers.push(scheduler);
      timerInfo.push({
        functionName: name,
        schedule: scheduler.expression,
        next: () => scheduler.next,
      });
    } else {
      routes.push({ functionName: name, trigger, handler: handlers[name as "health"] });
    }
  }

  let server: RunningHttpServer;
  try {
    server = await startHttpServer({
      routes,
      routePrefix: config.routePrefix,
      port: options.port ?? 7071,
      log,
    });
  } catch (error) {
    await Promise.all([...queueListeners.map((l) => l.stop(0)), ...timers.map((t) => t.stop())]);
    throw error;
  }

  return {
    httpUrl: `${server.url}/${config.routePrefix}`,
    timers: timerInfo,
    queueListeners,
    async stop(graceMs = 20_000) {
      await server.stop();
      await Promise.all([
        ...queueListeners.map((listener) => listener.stop(graceMs)),
        ...timers.map((timer) => timer.stop()),
      ]);
    },
  };
}
