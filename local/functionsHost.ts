// The local Functions host: every trigger from functions/host/triggers.ts wired to its handler with host.json's options.
import type { LogHandler, LogLevel } from "@azure/functions";
import { QueueClient } from "@azure/storage-queue";
import { storageClientOptions } from "../jobs";
import {
  type HostConfig,
  pipeline,
  readHostConfig,
  readSettings,
  settingDefinitions,
} from "../settings";
import {
  type AppSettings,
  functionHandlers,
  type FunctionHandlers,
  type FunctionName,
  triggers,
} from "../functions/host";
import { AppSettingMissingError } from "./errors";
import { ogSweepFunctionName, ogSweepHandler } from "./ogSweep";
import { startHttpServer, type HttpRoute, type RunningHttpServer } from "./httpServer";
import { startQueueListener, type QueueListener } from "./queueListener";
import { startTimerScheduler, type TimerScheduler } from "./timerScheduler";

export interface LocalHostOptions {
  /** App settings (connection, PRUNE_SCHEDULE, …) the handlers and triggers read; defaults to process.env. */
  env?: AppSettings;
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
function appSettingsOf(env: AppSettings): AppSettings {
  const settings = readSettings(env);
  const defaults = Object.fromEntries(
    Object.keys(settingDefinitions).map((name) => [
      name,
      String(settings[name as keyof typeof settings]),
    ]),
  );
  return { ...defaults, ...env };
}

/** What a trigger is wired with: its function's handler, the resolved app settings, the host's options. */
interface Wiring {
  handlers: FunctionHandlers;
  appSettings: AppSettings;
  config: HostConfig;
  log: LogHandler;
  leaseMs: number | undefined;
}

function startQueueTrigger(name: "renderBatch", wiring: Wiring): QueueListener {
  const trigger = triggers[name];
  const connectionString = wiring.appSettings[trigger.connection];
  if (!connectionString) {
    throw new AppSettingMissingError(
      `${name}: app setting ${trigger.connection} (queue connection) is not set in the host's env`,
    );
  }
  return startQueueListener({
    functionName: name,
    // The pipeline's short SDK retries (jobs/storage.ts), so a poll or settle does not hang on an outage.
    queue: new QueueClient(connectionString, trigger.queueName, storageClientOptions),
    // The host's naming rule for poison queues.
    poisonQueue: new QueueClient(
      connectionString,
      `${trigger.queueName}-poison`,
      storageClientOptions,
    ),
    handler: wiring.handlers[name],
    dataType: trigger.dataType,
    options: wiring.config.queues,
    log: wiring.log,
    ...(wiring.leaseMs ? { leaseMs: wiring.leaseMs } : {}),
  });
}

function startTimerTrigger(name: "pruneRenders", wiring: Wiring): TimerScheduler {
  return startTimerScheduler({
    functionName: name,
    schedule: triggers[name].schedule,
    handler: wiring.handlers[name],
    appSettings: wiring.appSettings,
    log: wiring.log,
  });
}

interface StartedTriggers {
  queueListeners: QueueListener[];
  timers: { functionName: FunctionName | typeof ogSweepFunctionName; scheduler: TimerScheduler }[];
  routes: HttpRoute[];
}

/** Queue listeners and timers started, HTTP routes collected: one per trigger in triggers.ts. */
function startTriggers(wiring: Wiring): StartedTriggers {
  const started: StartedTriggers = { queueListeners: [], timers: [], routes: [] };
  for (const name of Object.keys(triggers) as FunctionName[]) {
    const trigger = triggers[name];
    if (trigger.kind === "storageQueue") {
      started.queueListeners.push(startQueueTrigger(name as "renderBatch", wiring));
    } else if (trigger.kind === "timer") {
      const scheduler = startTimerTrigger(name as "pruneRenders", wiring);
      started.timers.push({ functionName: name, scheduler });
    } else {
      started.routes.push({
        functionName: name,
        trigger,
        handler: wiring.handlers[name as "health"],
      });
    }
  }
  // Local only: Azure expires og images with a lifecycle rule on last access (infra).
  started.timers.push({
    functionName: ogSweepFunctionName,
    scheduler: startTimerScheduler({
      functionName: ogSweepFunctionName,
      schedule: pipeline.localOgSweepSchedule,
      handler: ogSweepHandler(wiring.appSettings),
      appSettings: wiring.appSettings,
      log: wiring.log,
    }),
  });
  return started;
}

async function stopTriggers(started: StartedTriggers, graceMs: number): Promise<void> {
  await Promise.all([
    ...started.queueListeners.map((listener) => listener.stop(graceMs)),
    ...started.timers.map(({ scheduler }) => scheduler.stop()),
  ]);
}

export async function startLocalFunctionsHost(
  options: LocalHostOptions = {},
): Promise<LocalFunctionsHost> {
  const env = options.env ?? process.env;
  const config = options.hostConfig ?? readHostConfig();
  const log = options.log ?? consoleLogHandler;
  const started = startTriggers({
    // The handlers read the env as given, as in Azure, where setting defaults are not in the environment.
    handlers: { ...functionHandlers(env), ...options.handlers },
    appSettings: appSettingsOf(env),
    config,
    log,
    leaseMs: options.leaseMs,
  });
  let server: RunningHttpServer;
  try {
    server = await startHttpServer({
      routes: started.routes,
      routePrefix: config.routePrefix,
      port: options.port ?? 7071,
      log,
    });
  } catch (error) {
    await stopTriggers(started, 0);
    throw error;
  }
  return {
    httpUrl: `${server.url}/${config.routePrefix}`,
    timers: started.timers.map(({ functionName, scheduler }) => ({
      functionName,
      schedule: scheduler.expression,
      next: () => scheduler.next,
    })),
    queueListeners: started.queueListeners,
    async stop(graceMs = 20_000) {
      await server.stop();
      await stopTriggers(started, graceMs);
    },
  };
}
