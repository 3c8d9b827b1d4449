// The running local stack's connection info in the state folder, so CLI commands in other shells find it.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { stateDir } from "../paths";

export interface StackInfo {
  connectionString: string;
  /** Base URL of the HTTP functions, e.g. http://localhost:7071/api */
  httpUrl: string;
  /** The `npm start` process (to tell a live stack from a stale file). */
  pid: number;
  startedAt: string;
  persistent: boolean;
}

export const stackFileName = "local-stack.json";

export function stackFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stateDir(env), stackFileName);
}

export function writeStackFile(info: StackInfo, env: NodeJS.ProcessEnv = process.env): void {
  mkdirSync(stateDir(env), { recursive: true });
  writeFileSync(stackFilePath(env), `${JSON.stringify(info, null, 2)}\n`);
}

export function removeStackFile(pid: number, env: NodeJS.ProcessEnv = process.env): void {
  // Only our own: a second stack started meanwhile keeps its file.
  if (readStackFile(env)?.pid === pid) rmSync(stackFilePath(env), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The stack recorded in the state folder, if its process still runs. */
export function readStackFile(env: NodeJS.ProcessEnv = process.env): StackInfo | undefined {
  let info: StackInfo;
  try {
    info = JSON.parse(readFileSync(stackFilePath(env), "utf8")) as StackInfo;
  } catch {
    return undefined;
  }
  return typeof info.connectionString === "string" && isAlive(info.pid) ? info : undefined;
}
