// Per-item failures as recorded in batch records and chunk results: a code, a message, the fields at fault; and which card failures fail the delivery instead.
import {
  AssetError,
  BrandFontBudgetError,
  EngineUnavailableError,
  FontFileError,
  SpecValidationError,
} from "../renderer";
import { errorRule, translateError } from "../support";
import { CardDeadlineError } from "./deadline";
import {
  InvalidStoredTemplateError,
  JobError,
  TemplateNotFoundError,
  TemplateVersionNotFoundError,
} from "./errors";
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
  // A brand font file the renderer refuses (not a font, truncated, lying tables): the card's asset.
  errorRule(FontFileError, (error): ItemError => ({ code: "font", message: error.message })),
  errorRule(TemplateNotFoundError, (error): ItemError => ({
    code: "template_not_found",
    message: error.message,
  })),
  errorRule(TemplateVersionNotFoundError, (error): ItemError => ({
    code: "template_version_not_found",
    message: error.message,
  })),
  errorRule(InvalidStoredTemplateError, (error): ItemError => ({
    code: "invalid_stored_template",
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
  // The template's fault, not storage's: a retry reads the same blob (or the same absence).
  errorRule(FontFileError, (): ItemFailure => "record"),
  // This process's budget of registered brand fonts is spent: another instance renders the card.
  errorRule(BrandFontBudgetError, (): ItemFailure => "retry"),
  errorRule(TemplateNotFoundError, (): ItemFailure => "record"),
  errorRule(TemplateVersionNotFoundError, (): ItemFailure => "record"),
  errorRule(InvalidStoredTemplateError, (): ItemFailure => "record"),
  errorRule(JobError, (): ItemFailure => "retry"),
  errorRule(EngineUnavailableError, (): ItemFailure => "retry"),
];

export function itemFailure(error: unknown): ItemFailure {
  return translateError(error, itemFailures) ?? "unexpected";
}
