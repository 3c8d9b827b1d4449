// `cardpress wait <batchId>`: polls until the batch is finished, with a progress bar on a TTY.
import { SingleBar, Presets } from "cli-progress";
import { type BatchStatus, type JobStorage } from "../../jobs";
import { sleep } from "../../support";
import { openCliStorage } from "../connection";
import { UserError } from "../errors";
import { exitCodes } from "../exitCodes";
import { note } from "../output";
import type { CommonOptions } from "./options";
import { readStatus, reportStatus, summarize } from "./status";

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

/** Cards per second seen finishing during this wait; undefined until at least one was. */
type Rate = number | undefined;

interface Reporter {
  update(status: BatchStatus, rate: Rate): void;
  stop(): void;
}

const rateText = (rate: Rate) => (rate === undefined ? "" : ` (${rate.toFixed(1)} cards/s)`);

/** Time left at the observed rate; nothing while there is no rate yet (cli-progress would print "NFs"). */
function etaText(status: BatchStatus, rate: Rate): string {
  const remaining = status.pending;
  if (rate === undefined || remaining === 0) return "";
  const seconds = Math.ceil(remaining / rate);
  return ` | ETA ${seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${seconds % 60}s`}`;
}

function createReporter(mode: WaitOptions["progress"]): Reporter {
  if (mode === "bar") {
    const bar = new SingleBar(
      {
        format: "{bar} {percentage}% | {done} done, {failed} failed / {total}{rate}{timeLeft}",
        hideCursor: true,
        stream: process.stderr,
      },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(status, rate) {
        const payload = {
          done: status.done,
          failed: status.failed,
          rate: rateText(rate),
          timeLeft: etaText(status, rate),
        };
        if (!started) bar.start(status.total, status.done + status.failed, payload);
        else bar.update(status.done + status.failed, payload);
        started = true;
      },
      stop: () => bar.stop(),
    };
  }
  if (mode === "lines") {
    let lastProgress = "";
    return {
      update(status, rate) {
        const progress = `${status.done + status.failed}/${status.total}: ${status.done} done, ${status.failed} failed`;
        // A line per change of the counts, not per poll.
        if (progress !== lastProgress) note(progress + rateText(rate));
        lastProgress = progress;
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
      // Cards already finished before the wait began say nothing about the speed.
      const observed = finished - firstCount;
      reporter.update(status, observed > 0 && seconds > 0 ? observed / seconds : undefined);
      if (status.state !== "in_progress") return status;
      if (Date.now() - started >= options.timeoutMs)
        throw new WaitTimeoutError(status, options.timeoutMs);
      await sleep(options.intervalMs);
    }
  } finally {
    reporter.stop();
  }
}

/** The whole `wait` command: progress on stderr, then the status as `status` prints it. */
export async function runWaitCommand(
  batchId: string,
  options: CommonOptions & { timeout: number },
): Promise<void> {
  const status = await waitForBatch(openCliStorage(options), batchId, {
    timeoutMs: options.timeout,
    intervalMs: 500,
    progress: progressMode(options.json),
  });
  reportStatus(status, options.json);
}
