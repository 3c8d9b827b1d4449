// `cardpress wait <batchId>`: polls until the batch is finished, with a progress bar on a TTY.
import { SingleBar, Presets } from "cli-progress";
import type { BatchStatus } from "../../jobs/status";
import type { JobStorage } from "../../jobs/storage";
import { exitCodes, UserError } from "../exit-codes";
import { note } from "../output";
import { readStatus, summarize } from "./status";

export interface WaitOptions {
  timeoutMs: number;
  intervalMs: number;
  /** `bar` on a TTY, `lines` otherwise, `none` to stay silent. */
  progress: "bar" | "lines" | "none";
}

/** Thrown when the batch is still running at the deadline. */
export class WaitTimeoutError extends UserError {
  override name = "WaitTimeoutError";
  constructor(status: BatchStatus, timeoutMs: number) {
    super(
      `${summarize(status)} after waiting ${Math.round(timeoutMs / 1000)} s; run cardpress wait ${status.batchId} again, or check that a worker runs (locally: npm start)`,
      exitCodes.timeout,
    );
  }
}

export function progressMode(json: boolean | undefined): WaitOptions["progress"] {
  if (json) return "none";
  return process.stderr.isTTY ? "bar" : "lines";
}

interface Reporter {
  update(status: BatchStatus, rate: number): void;
  stop(): void;
}

function createReporter(mode: WaitOptions["progress"]): Reporter {
  if (mode === "bar") {
    const bar = new SingleBar(
      {
        format:
          "{bar} {percentage}% | {done} done, {failed} failed / {total} | {rate} cards/s | ETA {eta_formatted}",
        hideCursor: true,
        stream: process.stderr,
      },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(status, rate) {
        const payload = { done: status.done, failed: status.failed, rate: rate.toFixed(1) };
        if (!started) bar.start(status.total, status.done + status.failed, payload);
        else bar.update(status.done + status.failed, payload);
        started = true;
      },
      stop: () => bar.stop(),
    };
  }
  if (mode === "lines") {
    let last = "";
    return {
      update(status, rate) {
        const line = `${status.done + status.failed}/${status.total}: ${status.done} done, ${status.failed} failed (${rate.toFixed(1)} cards/s)`;
        if (line.replace(/\(.*\)/, "") !== last.replace(/\(.*\)/, "")) note(line);
        last = line;
      },
      stop: () => undefined,
    };
  }
  return { update: () => undefined, stop: () => undefined };
}

export async function waitForBatch(
  storage: JobStorage,
  batchId: string,
  options: WaitOptions,
): Promise<BatchStatus> {
  const started = Date.now();
  const reporter = createReporter(options.progress);
  let firstCount: number | undefined;
  try {
    for (;;) {
      const status = await readStatus(storage, batchId);
      const finished = status.done + status.failed;
      firstCount ??= finished;
      const seconds = (Date.now() - started) / 1000;
      reporter.update(status, seconds > 0 ? (finished - firstCount) / seconds : 0);
      if (status.state !== "in_progress") return status;
      if (Date.now() - started >= options.timeoutMs)
        throw new WaitTimeoutError(status, options.timeoutMs);
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
    }
  } finally {
    reporter.stop();
  }
}
