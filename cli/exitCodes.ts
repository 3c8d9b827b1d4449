// The cardpress CLI's exit codes and the rules that pick one from a result, defined once (docs/local.md).
import { type BatchStatus } from "../jobs";

export const exitCodes = {
  ok: 0,
  /** Some items failed (invalid spec, missing asset) or never will render (batch expired); the others were rendered. */
  itemsFailed: 1,
  /** The command line or an input file is wrong: nothing was done. */
  usage: 2,
  /** Storage or the network failed (retry later). */
  unavailable: 3,
  /** Waiting timed out before the batch finished. */
  timeout: 4,
} as const;

/**
 * The rule for a batch's state (status, wait, enqueue --wait, demo): 1 when a finished batch has
 * failed cards or an expired one left cards unrendered; 0 otherwise. A batch still rendering is not
 * a failure yet (`wait` turns a batch that never finishes into a timeout instead).
 */
export function batchExitCode(status: Pick<BatchStatus, "state" | "failed">): number {
  if (status.state === "expired") return exitCodes.itemsFailed;
  if (status.state === "in_progress") return exitCodes.ok;
  return status.failed > 0 ? exitCodes.itemsFailed : exitCodes.ok;
}

/**
 * The rule for commands that hand over a batch's images (urls, download): 1 unless every card
 * is there, whether the rest failed or is still pending.
 */
export function deliveryExitCode(result: { failed: unknown[]; pending: unknown[] }): number {
  return result.failed.length || result.pending.length ? exitCodes.itemsFailed : exitCodes.ok;
}

/** An error meant for the user: one sentence plus the fix, printed without a stack trace. */
export class UserError extends Error {
  override name = "UserError";
  constructor(
    message: string,
    readonly exitCode: number = exitCodes.usage,
  ) {
    super(message);
  }
}
