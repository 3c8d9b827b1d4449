// Runs the local stack in its own process group so a terminal's Ctrl-C reaches only us, not Azurite directly.
import { spawn } from "node:child_process";
import { workerProcessEnvironment } from "../settings";
import { watchLaunchers } from "./launcherWatch";

/** Set in the stack process's environment: "you are the supervised child, run the stack". */
export const stackProcessVariable = "CARDPRESS_STACK_PROCESS";

const duplicateSignalWindowMs = 500;

/**
 * Ctrl-C signals the terminal's whole foreground process group. Were Azurite in it, it would exit
 * at once while the host still finishes in-flight messages (their writes fail and the messages
 * wait out their lease). So this process re-runs the same command detached (own group: host and
 * Azurite), forwards SIGINT/SIGTERM to the host alone, and the host stops Azurite last.
 * Resolves with the stack process's exit code; `note` prints this process's own messages.
 */
export function superviseStackProcess(note: (text: string) => void): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    detached: true,
    // The IPC channel closes if this process dies, which tells the stack to stop (no orphan).
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    // The worker's allocator settings, unless the user set their own (glibc reads them at start).
    env: { ...workerProcessEnvironment, ...process.env, [stackProcessVariable]: "1" },
  });
  let lastForwardAt = 0;
  const forward = (signal: NodeJS.Signals) => {
    // One Ctrl-C can arrive twice (from the terminal and relayed by npm or tsx); a second signal
    // means "exit now" to the stack, so only a repeat after a moment counts as a second Ctrl-C.
    if (Date.now() - lastForwardAt < duplicateSignalWindowMs) return;
    lastForwardAt = Date.now();
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  // `kill <npm's pid>` or a SIGKILL of tsx reaches no handler here: stop as if told to, once (if a
  // Ctrl-C already asked the stack to stop, this must not turn into the second one that hurries it).
  const stopWatching = watchLaunchers((pid) => {
    if (lastForwardAt !== 0) return;
    note(`cardpress: the process that started this stack (pid ${pid}) is gone; stopping`);
    forward("SIGTERM");
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      stopWatching();
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolve(code ?? (signal ? 128 + 2 : 1));
    });
  });
}

export function isSupervisedStackProcess(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[stackProcessVariable] === "1";
}
