// The local stack as a child process for benchmarks: `cardpress start --in-memory` started, watched, measured and stopped.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { assertJsonDocument } from "../support";

/** The stack misbehaved (did not start, exited, left loopback): the benchmark stops. */
export class StackBenchError extends Error {
  override name = "StackBenchError";
}

/** What the benchmarks use of `cardpress start --json`'s ready line (cli/commands/start.ts prints more). */
const stackInfoSchema = z.looseObject({
  pid: z.number().int().positive(),
  connectionString: z.string().min(1),
  httpUrl: z.url(),
});

export type StackInfo = z.infer<typeof stackInfoSchema>;

export interface BenchStack {
  child: ChildProcess;
  info: StackInfo;
  /** Lines of the stack's log that mention an error (filled while it runs). */
  errors: string[];
  /** The stack's last log lines, shown if it dies. */
  logTail: string[];
}

const repoRoot = path.join(__dirname, "..");

/** `cardpress start --in-memory` as a user runs it (supervisor + stack process + Azurite). */
export async function startStack(
  stateDir: string,
  env: Record<string, string> = {},
): Promise<BenchStack> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "cli/main.ts", "start", "--in-memory", "--port", "0", "--json"],
    {
      cwd: repoRoot,
      env: { ...process.env, ...env, CARDPRESS_STATE_DIR: stateDir },
      stdio: ["ignore", "pipe", "pipe"],
      // Own process group: the benchmark can stop the whole stack if it has to.
      detached: true,
    },
  );
  const errors: string[] = [];
  const logTail: string[] = [];
  child.stderr?.on("data", (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (/\berror\b/i.test(line) && !/test mode/.test(line)) errors.push(line);
      if (line) logTail.push(line);
    }
    logTail.splice(0, Math.max(0, logTail.length - 40));
  });
  let stdout = "";
  const info = await new Promise<StackInfo>((resolve, reject) => {
    const startTimer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
      reject(new StackBenchError("the stack did not start within 60 s"));
    }, 60_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      let ready: unknown;
      try {
        ready = JSON.parse(stdout);
      } catch {
        return; // Not complete yet.
      }
      clearTimeout(startTimer);
      try {
        assertJsonDocument(ready, stackInfoSchema, "cardpress start --json's ready line");
        resolve(ready);
      } catch (error) {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
        reject(new StackBenchError((error as Error).message));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(startTimer);
      reject(new StackBenchError(`stack exited with ${code}`));
    });
  });
  return { child, info, errors, logTail };
}

/** Everything the stack and Azurite connect to must be loopback: this load never leaves the machine. */
export function assertLoopback(info: StackInfo): void {
  const hosts = [
    new URL(info.httpUrl).hostname,
    ...[...info.connectionString.matchAll(/Endpoint=([^;]+)/g)].map(
      (match) => new URL(match[1] as string).hostname,
    ),
  ];
  const bad = hosts.filter((host) => !["127.0.0.1", "localhost", "[::1]"].includes(host));
  if (bad.length) throw new StackBenchError(`not loopback: ${bad.join(", ")}`);
}

/** Resident set size (current and the kernel's high-water mark) of a process, in MiB. */
export function memoryOf(
  pid: number,
  logTail: readonly string[] = [],
): { rss: number; hwm: number } {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    throw new StackBenchError(
      `process ${pid} is gone; the stack's last log lines:\n${logTail.join("\n")}`,
    );
  }
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1]) / 1024;
  return { rss: field("VmRSS"), hwm: field("VmHWM") };
}

export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** SIGKILL to the stack's process groups (the supervisor's, and the stack's with Azurite). */
export function killGroups(groups: (number | undefined)[]): void {
  for (const group of groups) {
    try {
      if (group) process.kill(-group, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

/** SIGINT to the supervisor (it stops the stack, which stops Azurite last); SIGKILL after 15 s. */
export async function stopStack(stack: BenchStack): Promise<void> {
  const { child, info } = stack;
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGINT");
  const killed = setTimeout(() => killGroups([info.pid, child.pid]), 15_000);
  await exited;
  clearTimeout(killed);
}
