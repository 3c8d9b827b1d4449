// The cardpress CLI's exit codes and the one rule that picks one from a command's result (docs/local.md).
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

/** What a command ended with, in the terms of the exit-code rule below. */
export interface CommandOutcome {
  /**
   * Cards the command was asked for that are not there and will not be in this run: invalid or
   * rejected specs, failed renders, cards an expired batch left unrendered, and, for commands that
   * hand images over (urls, download), cards still rendering; for `smoke`, the checks that failed.
   */
  missing: number;
  /** Nothing at all came of the command: no card rendered and no batch exists (only `render` can end so). */
  nothingDone: boolean;
}

/**
 * The one exit-code rule for results (every command that reports cards uses it, through the
 * outcomes below): 0 when no card is missing; 2 when nothing was done, since then every card's
 * input was wrong; 1 when some cards are missing and the rest were rendered or queued. Failures
 * that stop a command (storage down, a timeout, a bad argument) are errors, not results: they
 * carry their own code (UserError, cli/errors.ts).
 */
export function exitCodeFor(outcome: CommandOutcome): number {
  if (outcome.missing === 0) return exitCodes.ok;
  return outcome.nothingDone ? exitCodes.usage : exitCodes.itemsFailed;
}

/**
 * A batch's state (status, wait, enqueue --wait, demo): a batch still rendering misses nothing yet
 * (`wait` turns one that never finishes into a timeout); an expired one misses its pending cards.
 */
export function batchExitCode(status: Pick<BatchStatus, "state" | "failed" | "pending">): number {
  const missing = status.state === "in_progress" ? 0 : status.failed + status.pending;
  return exitCodeFor({ missing, nothingDone: false });
}

/** A batch's images handed over (urls, download): every card not there is missing, pending or failed. */
export function deliveryExitCode(result: { failed: unknown[]; pending: unknown[] }): number {
  return exitCodeFor({
    missing: result.failed.length + result.pending.length,
    nothingDone: false,
  });
}

/** A batch just queued (enqueue without --wait): its rejected cards are missing; the batch exists. */
export function enqueueExitCode(result: { rejected: unknown[] }): number {
  return exitCodeFor({ missing: result.rejected.length, nothingDone: false });
}

/**
 * A smoke run (smoke): each failed check is missing, a skipped one is not (it says why it could not
 * run). A target that cannot be resolved (no Pulumi CLI, no local stack) is an error, not a result.
 */
export function smokeExitCode(
  checks: readonly { status: "passed" | "failed" | "skipped" }[],
): number {
  return exitCodeFor({
    missing: checks.filter((check) => check.status === "failed").length,
    nothingDone: false,
  });
}

/**
 * Cards rendered to files (render): failures there are always the input's (invalid spec, missing
 * or unreadable asset; anything else is thrown), so when none rendered nothing was done.
 */
export function renderExitCode(results: readonly { ok: boolean }[]): number {
  const rendered = results.filter((result) => result.ok).length;
  return exitCodeFor({ missing: results.length - rendered, nothingDone: rendered === 0 });
}
