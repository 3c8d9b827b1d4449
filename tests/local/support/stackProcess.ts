// Runs `cardpress start` (what npm start runs) as a child process, the way a user runs it in a terminal.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { collectLines, exitWithOutput } from "../../support/childProcess";

const repoRoot = path.join(__dirname, "../../..");

export interface StackProcess {
  child: ChildProcess;
  info: { connectionString: string; httpUrl: string; pid: number };
  /** Host log lines (stderr) so far. */
  logs: string[];
  /** Sends the signal to the whole process group, as Ctrl-C in a terminal does; resolves with the exit code. */
  interrupt(signal?: NodeJS.Signals): Promise<number | null>;
}

/** How the stack is started; each ends with the `start` command, `--json` and the args follow. */
export const launchers = {
  node: [process.execPath, "--import", "tsx", "cli/main.ts", "start"],
  /** What `npm start` runs. */
  tsx: [path.join(repoRoot, "node_modules/.bin/tsx"), "cli/main.ts", "start"],
  /** npm itself, then `sh -c tsx …` (--silent: no banner on stdout before the JSON). */
  npm: ["npm", "start", "--silent", "--"],
} as const;

export async function startStackProcess(
  args: string[],
  env: Record<string, string | undefined>,
  launcher: readonly string[] = launchers.node,
): Promise<StackProcess> {
  const [command = process.execPath, ...launcherArgs] = launcher;
  const child = spawn(command, [...launcherArgs, "--json", ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so a group-wide SIGINT reaches it and its Azurite like a terminal's Ctrl-C.
    detached: true,
  });
  const logs: string[] = [];
  collectLines(child.stderr, logs);
  // Resolves once its last log lines are in, not merely at exit.
  const exited = exitWithOutput(child);
  let stdout = "";
  const info = await new Promise<StackProcess["info"]>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`stack did not start:\n${logs.join("\n")}`)),
      30_000,
    );
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      try {
        const parsed = JSON.parse(stdout) as StackProcess["info"];
        clearTimeout(timer);
        resolve(parsed);
      } catch {
        // Not complete yet.
      }
    });
    void exited.then((code) => reject(new Error(`stack exited with ${code}:\n${logs.join("\n")}`)));
  });
  return {
    child,
    info,
    logs,
    interrupt(signal = "SIGINT") {
      if (child.pid) process.kill(-child.pid, signal);
      return exited;
    },
  };
}
