// `cardpress start` (npm start): runs the local stack in the foreground until Ctrl-C.
import { triggers } from "../../functions/host";
import {
  isSupervisedStackProcess,
  type LocalStack,
  readStackFile,
  stackFilePath,
  stateDir,
  stateDirVariable,
  superviseStackProcess,
} from "../../local";
import { UserError } from "../errors";
import { exitCodes } from "../exitCodes";
import { note, printJson } from "../output";

export interface StartOptions {
  inMemory?: boolean;
  location?: string;
  port: number;
  /** Seconds in-flight messages get to finish at Ctrl-C before they are put back on the queue. */
  graceSeconds: number;
  json?: boolean;
}

function describeStack(stack: LocalStack, options: StartOptions) {
  const routes = Object.entries(triggers).flatMap(([name, trigger]) =>
    trigger.kind === "http"
      ? [{ name, methods: trigger.methods, url: `${stack.httpUrl}/${trigger.route}` }]
      : [],
  );
  return {
    ready: true,
    pid: process.pid,
    connectionString: stack.connectionString,
    httpUrl: stack.httpUrl,
    data: options.inMemory ? "in memory" : (options.location ?? `${stateDir()}/azurite`),
    stackFile: stackFilePath(),
    routes,
    timers: stack.host.timers.map((timer) => ({
      name: timer.functionName,
      schedule: timer.schedule,
      next: timer.next().toISOString(),
    })),
  };
}

/**
 * The CLI finds one stack per user (from any folder): a second would be unreachable, and on the
 * same data folder two Azurites would corrupt it.
 */
function refuseSecondStack(): void {
  const running = readStackFile();
  if (!running) return;
  const where = running.dataFolder ? `data in ${running.dataFolder}` : "in memory";
  throw new UserError(
    `a local stack is already running (pid ${running.pid}, ${running.httpUrl}, ${where}); stop it with Ctrl-C in its terminal or kill ${running.pid}, or set ${stateDirVariable} for a second one`,
  );
}

async function startRecordedStack(options: StartOptions): Promise<LocalStack> {
  // Loaded here, not at the top: the supervising process never runs the stack.
  const { startLocalStack } = await import("../../local/stack");
  return startLocalStack({
    inMemory: Boolean(options.inMemory),
    ...(options.location ? { location: options.location } : {}),
    port: options.port,
    record: true,
  }).catch((error: unknown) => {
    // A data folder in use is translated with the other layers' errors (cli/errors.ts).
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new UserError(
        `port ${options.port} is in use (another func start or npm start?); stop that process or pass --port <n>`,
        exitCodes.unavailable,
      );
    }
    throw error;
  });
}

function printReady(info: ReturnType<typeof describeStack>, json: boolean): void {
  if (json) return printJson(info);
  note(`cardpress local stack ready (pid ${info.pid}); Azurite data: ${info.data}`);
  for (const route of info.routes) note(`  ${route.methods.join(",")}\t${route.url}`);
  for (const timer of info.timers)
    note(`  timer ${timer.name} "${timer.schedule}" (UTC), next ${timer.next}`);
  note(`  CLI commands in any folder find this stack through ${info.stackFile}`);
  note("  function keys are not checked locally (as with func start). Ctrl-C stops.");
}

/**
 * Resolves with the exit code once the stack has stopped after SIGINT/SIGTERM (or the supervising
 * process went away); a second signal exits at once.
 */
function runUntilStopped(stack: LocalStack, graceSeconds: number): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        note(
          `cardpress: ${signal} again, exiting now; unfinished messages reappear when their lease ends`,
        );
        process.exit(130);
      }
      stopping = true;
      note(
        `cardpress: ${signal}: stopping — no new messages; in-flight ones get ${graceSeconds} s`,
      );
      stack
        .stop(graceSeconds * 1000)
        .then(() => {
          note("cardpress: local stack stopped");
          resolve(0);
        })
        .catch((error: unknown) => {
          note(`cardpress: stopping failed: ${String(error)}`);
          resolve(1);
        });
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    // The supervising process is gone (killed): stop as if told to.
    process.on("disconnect", () => onSignal("SIGTERM"));
  });
}

/**
 * Resolves with the exit code when the stack has stopped after SIGINT/SIGTERM. The stack itself
 * runs in a detached child process (see local/supervisor.ts); this process waits for it.
 */
export async function runLocalStack(options: StartOptions): Promise<number> {
  refuseSecondStack();
  if (!isSupervisedStackProcess()) return superviseStackProcess(note);
  const stack = await startRecordedStack(options);
  printReady(describeStack(stack, options), Boolean(options.json));
  const exitCode = await runUntilStopped(stack, options.graceSeconds);
  // Closing the IPC channel lets this process exit; it is not a request to stop any more.
  process.removeAllListeners("disconnect");
  if (process.connected) process.disconnect();
  return exitCode;
}
