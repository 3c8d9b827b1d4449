// The cardpress CLI's exit codes, defined once (documented in the README).

export const exitCodes = {
  ok: 0,
  /** Some items failed (invalid spec, missing asset); the others were rendered. */
  itemsFailed: 1,
  /** The command line or an input file is wrong: nothing was done. */
  usage: 2,
  /** Storage or the network failed (retry later). */
  unavailable: 3,
  /** Waiting timed out before the batch finished. */
  timeout: 4,
} as const;

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
