// The running local stack's registry entry (one per user), so CLI commands in any folder and shell find it.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { parseJsonDocument } from "../support";
import { isSameProcessAlive } from "./processInfo";

const stackInfoSchema = z.object({
  connectionString: z.string().min(1),
  /** Base URL of the HTTP functions, e.g. http://localhost:7071/api */
  httpUrl: z.string(),
  /** The stack process (the local host; tells a live stack from a stale file). */
  pid: z.number().int().positive(),
  /** The pid's process start time (Linux), so a pid reused after a reboot is not taken for the stack. */
  pidStartTime: z.string().optional(),
  startedAt: z.string(),
  persistent: z.boolean(),
  /** Azurite's data folder, absent when in memory. */
  dataFolder: z.string().optional(),
  /** The folder `npm start` ran in. */
  cwd: z.string().optional(),
  /**
   * The timer functions the host registered at start and their resolved schedules (read-only, for
   * `cardpress smoke`: what ARM's functions listing tells about a deployment). Absent in files
   * written before it existed.
   */
  timers: z.array(z.object({ functionName: z.string(), schedule: z.string() })).optional(),
  /**
   * The key the stack's GET /api/og/… verifies card URLs with (`cardpress sign` signs with it). The
   * file is the user's own (mode 0600), as the dev key's file beside it. Absent in older files.
   */
  ogSigningKey: z.string().optional(),
});

export type StackInfo = z.infer<typeof stackInfoSchema>;

export const stackFileName = "local-stack.json";

/** Set by tests (and anyone wanting a second, separate stack): registry and default data go there. */
export const stateDirVariable = "CARDPRESS_STATE_DIR";

/**
 * Where the running stack is registered: CARDPRESS_STATE_DIR if set (tests: never a user's stack),
 * else the user's state folder — $XDG_STATE_HOME/cardpress, ~/.local/state/cardpress
 * (%LOCALAPPDATA%\cardpress on Windows). Per user, not per folder: the CLI runs in the user's
 * project folders, not where `npm start` ran.
 */
export function stackRegistryDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env[stateDirVariable];
  if (explicit) return path.resolve(explicit);
  // The XDG spec says to ignore a relative XDG_STATE_HOME.
  const xdg = env.XDG_STATE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, "cardpress");
  if (process.platform === "win32" && env.LOCALAPPDATA) {
    return path.join(env.LOCALAPPDATA, "cardpress");
  }
  return path.join(env.HOME || os.homedir(), ".local", "state", "cardpress");
}

export function stackFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stackRegistryDir(env), stackFileName);
}

export function writeStackFile(info: StackInfo, env: NodeJS.ProcessEnv = process.env): void {
  const file = stackFilePath(env);
  mkdirSync(path.dirname(file), { recursive: true });
  // Written aside and renamed: a CLI reading at that moment sees the old file or the new, never half.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  renameSync(partial, file);
}

export function removeStackFile(pid: number, env: NodeJS.ProcessEnv = process.env): void {
  // Only our own: a second stack started meanwhile keeps its file.
  if (readStackFile(env)?.pid === pid) rmSync(stackFilePath(env), { force: true });
}

/**
 * The stack recorded in the registry, if its process still runs. A file that is not a registry
 * entry (torn, or from another version) counts as no stack, as a stale one does.
 */
export function readStackFile(env: NodeJS.ProcessEnv = process.env): StackInfo | undefined {
  const file = stackFilePath(env);
  let info: StackInfo;
  try {
    info = parseJsonDocument(readFileSync(file, "utf8"), stackInfoSchema, file);
  } catch {
    return undefined;
  }
  return isSameProcessAlive(info.pid, info.pidStartTime) ? info : undefined;
}
