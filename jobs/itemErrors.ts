// Per-item failures as recorded in batch records and chunk results: a code, a message, the fields at fault.
import { AssetError, SpecValidationError } from "../renderer";
import { CardDeadlineError } from "./deadline";
import type { ItemError } from "./protocol";

export function toItemError(error: unknown): ItemError {
  if (error instanceof SpecValidationError) {
    return { code: "invalid_spec", message: error.message, issues: error.issues };
  }
  if (error instanceof AssetError) return { code: "asset", message: error.message };
  if (error instanceof CardDeadlineError)
    return { code: "deadline_exceeded", message: error.message };
  return { code: "render_failed", message: error instanceof Error ? error.message : String(error) };
}
