// Runs `cardpress start` (what npm start runs) as a child process, the way a user runs it in a terminal.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const repoRoot = path.join(__dirname, "../../..");

export interface StackProcess {
  child: ChildProcess;
  info: { connectionString: string; httpUrl: string; pid: number };
  /** Host log lines (stderr) so far. */
  logs: string[];
  /** Sends the signal to the whole process group, as Ctrl-C in a terminal does; resolves with the exit code. */
  interrupt(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startStackProcess(
  args: string[],
  env: Record<string, string>,
): Promise<StackProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "cli/main.ts", "start", "--json", ...args],
    {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so a group-wide SIGINT reaches it and its Azurite like a terminal's Ctrl-C.
      detached: true,
    },
  );
  const logs: string[] = [];
  child.stderr?.on("data", (chunk: Buffer) =>
    logs.push(...chunk.toString("utf8").split("\n").filter(Boolean)),
  );
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
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
