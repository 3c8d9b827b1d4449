// Test helpers for the local stack: an in-process stack per test file, and the CLI run in-process.
import { readHostConfig, type HostConfig } from "../../../settings";
import { startLocalStack, type LocalStack, type LocalStackOptions } from "../../../local/stack";
import { main } from "../../../cli/main";
import { eventually, sleep } from "../../support/eventually";
export { eventually, sleep };

/** host.json as deployed, with the waits shortened so retries and polls happen in test time. */
export function fastHostConfig(): HostConfig {
  const config = readHostConfig();
  return {
    ...config,
    queues: { ...config.queues, visibilityTimeoutMs: 0, maxPollingIntervalMs: 200 },
  };
}

/** Starts an in-memory stack (free ports, logs kept) in beforeAll and stops it in afterAll. */
export function useLocalStack(
  options: LocalStackOptions = {},
): () => { stack: LocalStack; logs: string[] } {
  let stack: LocalStack | undefined;
  const logs: string[] = [];
  beforeAll(async () => {
    stack = await startLocalStack({
      inMemory: true,
      port: 0,
      log: (level, ...args) => logs.push(`${level}: ${args.map(String).join(" ")}`),
      ...options,
    });
  }, 30_000);
  afterAll(async () => {
    await stack?.stop(5_000);
  });
  return () => {
    if (!stack) throw new Error("local stack used outside a test");
    return { stack, logs };
  };
}

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `cardpress <args>` in this process, capturing what it prints. */
export async function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<CliRun> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = jest.spyOn(console, "log").mockImplementation((...parts: unknown[]) => {
    stdout.push(parts.map(String).join(" "));
  });
  const error = jest.spyOn(console, "error").mockImplementation((...parts: unknown[]) => {
    stderr.push(parts.map(String).join(" "));
  });
  const write = jest
    .spyOn(process.stderr, "write")
    .mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk).trimEnd());
      return true;
    });
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  process.exitCode = undefined;
  try {
    await main(["node", "cardpress", ...args]);
    return {
      exitCode: Number(process.exitCode ?? 0),
      stdout: stdout.join("\n"),
      stderr: stderr.join("\n"),
    };
  } finally {
    process.exitCode = undefined;
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
