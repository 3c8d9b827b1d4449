// Per-item failures as recorded in batch records and chunk results: a code, a message, the fields at fault; and which card failures fail the delivery instead.
import { AssetError, EngineUnavailableError, SpecValidationError } from "../renderer";
import { errorRule, translateError } from "../support";
import { CardDeadlineError } from "./deadline";
import { JobError } from "./errors";
import type { ItemError } from "./protocol";

const itemCodes = [
  errorRule(SpecValidationError, (error): ItemError => ({
    code: "invalid_spec",
    message: error.message,
    issues: error.issues,
  })),
  errorRule(AssetError, (error): ItemError => ({ code: "asset", message: error.message })),
  errorRule(CardDeadlineError, (error): ItemError => ({
    code: "deadline_exceeded",
    message: error.message,
  })),
];

/** The record of a card that failed: a named failure's code, else `render_failed` with the error's message. */
export function toItemError(error: unknown): ItemError {
  return (
    translateError(error, itemCodes) ?? {
      code: "render_failed",
      message: error instanceof Error ? error.message : String(error),
    }
  );
}

/** What a card's failure while rendering means for its chunk (jobs/chunk.ts). */
export type ItemFailure =
  /** The card's own, named fault: recorded as failed, the chunk goes on. */
  | "record"
  /** Storage or a missing canvas engine, which can go away: the delivery fails and the host retries it. */
  | "retry"
  /** A renderer failure nobody named: recorded as `render_failed` (a retry would fail the same way) and logged as a bug. */
  | "unexpected";

const itemFailures = [
  errorRule(SpecValidationError, (): ItemFailure => "record"),
  errorRule(AssetError, (): ItemFailure => "record"),
  // A JobError, but the card's fault: its own rule wins over its base's.
  errorRule(CardDeadlineError, (): ItemFailure => "record"),
  errorRule(JobError, (): ItemFailure => "retry"),
  errorRule(EngineUnavailableError, (): ItemFailure => "retry"),
];

export function itemFailure(error: unknown): ItemFailure {
  return translateError(error, itemFailures) ?? "unexpected";
}
