// Notices when the command that launched this process is gone: its parent, or npm / sh / tsx above it in its process group.
import { readProcessStat, isSameProcessAlive } from "./processInfo";

interface Launcher {
  pid: number;
  startTime: string | undefined;
}

/**
 * The processes of the command line that started us: the parent, and its ancestors while they are
 * in our process group (a shell gives each job its own group, so this is `npm start`'s npm, its
 * `sh -c` and tsx, and stops short of the user's shell). Linux reads /proc; elsewhere only the
 * parent is known.
 */
function launchers(): Launcher[] {
  const own = readProcessStat("self");
  const parentPid = process.ppid;
  const found: Launcher[] = [{ pid: parentPid, startTime: readProcessStat(parentPid)?.startTime }];
  if (!own) return found;
  for (let pid = parentPid; pid > 1;) {
    const stat = readProcessStat(pid);
    if (!stat || stat.ppid <= 1) break;
    const parent = readProcessStat(stat.ppid);
    if (!parent || parent.pgid !== own.pgid) break;
    found.push({ pid: stat.ppid, startTime: parent.startTime });
    pid = stat.ppid;
  }
  return found;
}

/**
 * Calls onGone once when any launcher exits (killed, even with SIGKILL, which no signal handler
 * sees). npm, for one, relays SIGTERM only to its `sh -c`, which dies without passing it on: without
 * this, `kill <npm's pid>` would leave tsx and the stack running. Returns a function that stops watching.
 */
export function watchLaunchers(onGone: (pid: number) => void, intervalMs = 250): () => void {
  const parentPid = process.ppid;
  const watched = launchers();
  const timer = setInterval(() => {
    const gone =
      process.ppid !== parentPid
        ? parentPid
        : watched.find((launcher) => !isSameProcessAlive(launcher.pid, launcher.startTime))?.pid;
    if (gone === undefined) return;
    clearInterval(timer);
    onGone(gone);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
