// `cardpress start` (npm start): runs the local stack in the foreground until Ctrl-C.
import { triggers } from "../../functions/host";
import {
  DataFolderInUseError,
  isSupervisedStackProcess,
  type LocalStack,
  readStackFile,
  stackFilePath,
  stateDir,
  stateDirVariable,
  superviseStackProcess,
} from "../../local";
import { exitCodes, UserError } from "../exitCodes";
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
 * Resolves with the exit code when the stack has stopped after SIGINT/SIGTERM. The stack itself
 * runs in a detached child process (see supervisor.ts); this process waits for it.
 */
export async function runLocalStack(options: StartOptions): Promise<number> {
  const running = readStackFile();
  if (running) {
    // The CLI finds one stack per user (from any folder); a second would be unreachable, and on
    // the same data folder two Azurites would corrupt it.
    const where = running.dataFolder ? `data in ${running.dataFolder}` : "in memory";
    throw new UserError(
      `a local stack is already running (pid ${running.pid}, ${running.httpUrl}, ${where}); stop it with Ctrl-C in its terminal or kill ${running.pid}, or set ${stateDirVariable} for a second one`,
    );
  }
  if (!isSupervisedStackProcess()) return superviseStackProcess();
  // Loaded here, not at the top: the supervising process never runs the stack.
  const { startLocalStack } = await import("../../local/stack");
  const stack = await startLocalStack({
    inMemory: Boolean(options.inMemory),
    ...(options.location ? { location: options.location } : {}),
    port: options.port,
    record: true,
  }).catch((error: unknown) => {
    if (error instanceof DataFolderInUseError) throw new UserError(error.message);
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new UserError(
        `port ${options.port} is in use (another func start or npm start?); stop that process or pass --port <n>`,
        exitCodes.unavailable,
      );
    }
    throw error;
  });
  const info = describeStack(stack, options);
  if (options.json) printJson(info);
  else {
    note(`cardpress local stack ready (pid ${info.pid}); Azurite data: ${info.data}`);
    for (const route of info.routes) note(`  ${route.methods.join(",")}\t${route.url}`);
    for (const timer of info.timers)
      note(`  timer ${timer.name} "${timer.schedule}" (UTC), next ${timer.next}`);
    note(`  CLI commands in any folder find this stack through ${info.stackFile}`);
    note("  function keys are not checked locally (as with func start). Ctrl-C stops.");
  }
  const exitCode = await new Promise<number>((resolve) => {
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
        `cardpress: ${signal}: stopping — no new messages; in-flight ones get ${options.graceSeconds} s`,
      );
      stack
        .stop(options.graceSeconds * 1000)
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
  // Closing the IPC channel lets this process exit; it is not a request to stop any more.
  process.removeAllListeners("disconnect");
  if (process.connected) process.disconnect();
  return exitCode;
}
