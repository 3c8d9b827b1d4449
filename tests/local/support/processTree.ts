// The live descendants of a process, from /proc (Linux), for tests that check a stack leaves no orphans.
import fs from "node:fs";
import { readProcessStat } from "../../../local/processInfo";
import { sleep } from "../../support/eventually";

/** pid → command line, for processes not yet exited (zombies count as exited). */
function liveProcesses(): Map<number, { ppid: number; command: string }> {
  const processes = new Map<number, { ppid: number; command: string }>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcessStat(Number(entry));
    if (!stat || stat.state === "Z") continue;
    let command: string;
    try {
      command = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ").trim();
    } catch {
      continue;
    }
    processes.set(Number(entry), { ppid: stat.ppid, command });
  }
  return processes;
}

export interface TreeProcess {
  pid: number;
  command: string;
}

/** The process and all its descendants still running. */
export function processTree(root: number): TreeProcess[] {
  const processes = liveProcesses();
  const found: TreeProcess[] = [];
  const visit = (pid: number) => {
    const info = processes.get(pid);
    if (!info) return;
    found.push({ pid, command: info.command });
    for (const [child, childInfo] of processes) if (childInfo.ppid === pid) visit(child);
  };
  visit(root);
  return found;
}

/** Of these processes, those still running (same pid, not a zombie). */
export function stillRunning(processes: TreeProcess[]): TreeProcess[] {
  const live = liveProcesses();
  return processes.filter(({ pid, command }) => live.get(pid)?.command === command);
}

/** Waits until none of the processes runs; resolves with those still running at the deadline. */
export async function waitUntilGone(
  processes: TreeProcess[],
  timeoutMs: number,
): Promise<TreeProcess[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = stillRunning(processes);
    if (left.length === 0 || Date.now() > deadline) return left;
    await sleep(100);
  }
}

/** Last resort in a test's clean-up: SIGKILL whatever of the tree still runs. */
export function killAll(processes: TreeProcess[]): void {
  for (const { pid } of stillRunning(processes)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}
