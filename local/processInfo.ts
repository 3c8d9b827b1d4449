// What the OS says about a process: alive, its parent and group, and a start time that tells a reused pid apart.
import { readFileSync } from "node:fs";

export interface ProcessStat {
  /** R, S, D, Z (exited, not yet reaped: dead for our purposes), … */
  state: string;
  ppid: number;
  pgid: number;
  /** Clock ticks after boot (Linux /proc/<pid>/stat field 22): with the pid, names one process. */
  startTime: string;
}

/** Linux only (from /proc); undefined elsewhere or when the process is gone. */
export function readProcessStat(pid: number | "self"): ProcessStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split after the last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const [state, ppid, pgid, startTime] = [fields[0], fields[1], fields[2], fields[19]];
  if (!state || !ppid || !pgid || !startTime) return undefined;
  return { state, ppid: Number(ppid), pgid: Number(pgid), startTime };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** An identity for a process: its start time where the OS tells it (else only the pid counts). */
export function processStartTime(pid: number | "self" = "self"): string | undefined {
  return readProcessStat(pid)?.startTime;
}

/** Whether the process that had this pid (and start time, when recorded) still runs. */
export function isSameProcessAlive(pid: number, startTime: string | undefined): boolean {
  if (!isAlive(pid)) return false;
  const stat = readProcessStat(pid);
  if (!stat) return true; // no /proc: the pid is all there is to go by
  return stat.state !== "Z" && (startTime === undefined || stat.startTime === startTime);
}
