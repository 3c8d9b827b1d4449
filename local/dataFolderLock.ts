// One Azurite per data folder: a lock file naming the stack and its Azurite, and the clean-up of a killed stack's Azurite.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { JsonDocumentError, parseJsonDocument, sleep } from "../support";
import { LocalStackError } from "./errors";
import { isSameProcessAlive, processStartTime } from "./processInfo";

export const lockFileName = "cardpress.lock";

interface LockContent {
  /** The process running the stack (the local host). */
  pid: number;
  pidStartTime?: string;
  /** Its Azurite, once started. */
  azuritePid?: number;
  azuriteStartTime?: string;
  startedAt: string;
}

const lockContentSchema: z.ZodType<LockContent> = z.object({
  pid: z.number().int().positive(),
  pidStartTime: z.string().optional(),
  azuritePid: z.number().int().positive().optional(),
  azuriteStartTime: z.string().optional(),
  startedAt: z.string(),
});

/** Another live stack uses the data folder; two Azurites on one folder would corrupt it. */
export class DataFolderInUseError extends LocalStackError {
  override name = "DataFolderInUseError";
}

export interface DataFolderLock {
  /** Records the Azurite that now owns the folder (so a later start can stop it if we are killed). */
  setAzuritePid(pid: number | undefined): void;
  release(): void;
}

function readLockText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * The stack holding the lock; none when there is no lock file, or when its content is not a lock
 * this code writes (a torn write: stale), and then `invalid` says what was wrong with it.
 */
function parseLock(
  text: string | undefined,
  file: string,
): { holder?: LockContent; invalid?: string } {
  if (text === undefined) return {};
  try {
    return { holder: parseJsonDocument(text, lockContentSchema, `the lock file ${file}`) };
  } catch (error) {
    if (error instanceof JsonDocumentError) return { invalid: error.message };
    throw error;
  }
}

/** Whether pid is (still) an Azurite process; false where that cannot be told (no /proc). */
function isAzurite(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("azurite");
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isSameProcessAlive(pid, undefined)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/**
 * Stops the Azurite a killed stack left on this folder (its parent-death watch normally stops it
 * within a moment; this covers that moment and an Azurite stuck in shutdown).
 */
async function stopLeftoverAzurite(pid: number, folder: string, note: (text: string) => void) {
  if (!isSameProcessAlive(pid, undefined)) return;
  if (!isAzurite(pid)) {
    throw new DataFolderInUseError(
      `the Azurite data folder ${folder} was last used by Azurite pid ${pid}, which still runs a process this cannot identify; stop it (kill ${pid}) if it is that Azurite, or choose another --location`,
    );
  }
  note(
    `cardpress: stopping Azurite pid ${pid} left running on ${folder} by a stack that was killed`,
  );
  process.kill(pid, "SIGTERM");
  // As a shell does for a stopped job: a stopped process acts on SIGTERM only once continued.
  process.kill(pid, "SIGCONT");
  if (await waitForExit(pid, 5_000)) return;
  process.kill(pid, "SIGKILL");
  await waitForExit(pid, 2_000);
}

/**
 * Takes the data folder for this process. Refuses when a live stack holds it; takes it over from a
 * dead one, stopping that stack's Azurite first.
 */
export async function lockDataFolder(
  folder: string,
  note: (text: string) => void = (text) => process.stderr.write(`${text}\n`),
): Promise<DataFolderLock> {
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, lockFileName);
  const write = (content: LockContent, flag: "w" | "wx") =>
    writeFileSync(file, `${JSON.stringify(content)}\n`, { flag });
  const pidStartTime = processStartTime();
  const mine: LockContent = {
    pid: process.pid,
    ...(pidStartTime ? { pidStartTime } : {}),
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; ; attempt++) {
    try {
      write(mine, "wx");
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const staleText = readLockText(file);
    const { holder, invalid } = parseLock(staleText, file);
    if (invalid) note(`cardpress: ${invalid}; taking the folder over as from a stopped stack`);
    if (holder && isSameProcessAlive(holder.pid, holder.pidStartTime)) {
      throw new DataFolderInUseError(
        `the Azurite data folder ${folder} is in use by the local stack pid ${holder.pid} (two Azurites on one folder would corrupt it); stop that stack (Ctrl-C in its terminal or kill ${holder.pid}) or choose another --location`,
      );
    }
    if (attempt >= 2) {
      throw new DataFolderInUseError(
        `cannot take the Azurite data folder ${folder}: ${file} keeps reappearing (another stack starting?); try again`,
      );
    }
    if (holder?.azuritePid && isSameProcessAlive(holder.azuritePid, holder.azuriteStartTime)) {
      await stopLeftoverAzurite(holder.azuritePid, folder, note);
    }
    // The holder is gone: the lock is stale. Removed (unless another start replaced it meanwhile),
    // then taken with "wx" again, so of two stacks starting at once only one gets it.
    if (readLockText(file) === staleText) rmSync(file, { force: true });
  }
  return {
    setAzuritePid(azuritePid) {
      const azuriteStartTime = azuritePid ? processStartTime(azuritePid) : undefined;
      write(
        {
          ...mine,
          ...(azuritePid ? { azuritePid } : {}),
          ...(azuriteStartTime ? { azuriteStartTime } : {}),
        },
        "w",
      );
    },
    release() {
      if (parseLock(readLockText(file), file).holder?.pid === process.pid) {
        rmSync(file, { force: true });
      }
    },
  };
}
