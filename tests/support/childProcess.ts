// Reading a child process's output line by line, and waiting for it to end with everything it wrote.
import type { ChildProcess } from "node:child_process";
import type { Readable } from "node:stream";

/**
 * Appends each complete, non-empty line the stream delivers to `lines`. A chunk can end in the
 * middle of a line (more so on a busy machine); that part waits for the rest instead of becoming
 * two half lines that no pattern matches. The last unterminated line is added when the stream ends.
 */
export function collectLines(stream: Readable | null | undefined, lines: string[]): void {
  let partial = "";
  stream?.on("data", (chunk: Buffer) => {
    const parts = (partial + chunk.toString("utf8")).split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts.filter(Boolean));
  });
  stream?.on("end", () => {
    if (partial) lines.push(partial);
    partial = "";
  });
}

/**
 * Resolves with the exit code once the process has exited and its stdout/stderr have delivered
 * their last data. Node can emit `exit` while output is still in the pipes, so a test that reads a
 * process's log right after `exit` may miss its final lines. A grandchild holding a pipe open
 * could delay `close` forever, so the streams get at most `drainMs` after the exit.
 */
export function exitWithOutput(child: ChildProcess, drainMs = 2_000): Promise<number | null> {
  const drained = Promise.all(
    [child.stdout, child.stderr].map((stream) =>
      stream && !stream.closed
        ? new Promise<void>((resolve) => stream.once("close", () => resolve()))
        : undefined,
    ),
  );
  return new Promise((resolve) =>
    child.once("exit", (code) => {
      const timer = setTimeout(() => resolve(code), drainMs);
      void drained.then(() => {
        clearTimeout(timer);
        resolve(code);
      });
    }),
  );
}
