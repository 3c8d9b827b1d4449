// Named error classes of the job pipeline, the rule that says which storage failures are worth a retry, and retry vs poison for a failed delivery.
import { RestError } from "@azure/storage-blob";
import { names } from "../settings";
import { errorRule, translateError } from "../support";

/** The job pipeline's base: every error jobs/ throws is one (functions/ and cli/ translate them). */
export class JobError extends Error {
  override name = "JobError";
}

/** Storage failed in a way a retry may fix (network, throttling, 5xx, a lease in the way). */
export class TransientStorageError extends JobError {
  override name = "TransientStorageError";
  constructor(
    readonly operation: string,
    override readonly cause: unknown,
  ) {
    super(`storage ${operation} failed: ${describeStorageError(cause)}`);
  }
}

/** A render-jobs message no delivery can fix: the worker moves it to the poison queue at once. */
export class RejectedMessageError extends JobError {
  override name = "RejectedMessageError";
}

/** A queue message that is not a chunk message this worker understands; retrying cannot help. */
export class UndecodableMessageError extends RejectedMessageError {
  override name = "UndecodableMessageError";
  constructor(reason: string) {
    super(`undecodable render-jobs message: ${reason}`);
  }
}

/**
 * A well-formed chunk message that does not match its batch record (chunk number, item indices,
 * ids, spec hashes, size) or names a claim check the layout does not define: forged or corrupt.
 */
export class UntrustedMessageError extends RejectedMessageError {
  override name = "UntrustedMessageError";
  constructor(batchId: string, chunk: number, reason: string) {
    super(`render-jobs message for batch ${batchId} chunk ${chunk} refused: ${reason}`);
  }
}

/** A blob name that is not exactly one the layout (jobs/layout.ts) defines; refused before any storage call. */
export class InvalidBlobNameError extends JobError {
  override name = "InvalidBlobNameError";
}

/** No batch with this id (never created, or already pruned). */
export class BatchNotFoundError extends JobError {
  override name = "BatchNotFoundError";
  constructor(readonly batchId: string) {
    super(`batch "${batchId}" not found (never created, or pruned after its retention)`);
  }
}

/** A batch id that cannot be one of ours (wrong shape); rejected before touching storage. */
export class InvalidBatchIdError extends JobError {
  override name = "InvalidBatchIdError";
  constructor(received: string, expected: string) {
    super(`invalid batch id ${JSON.stringify(received.slice(0, 80))}: expected ${expected}`);
  }
}

/** The storage connection setting is missing or unusable. */
export class StorageConfigError extends JobError {
  override name = "StorageConfigError";
}

export function isRestError(error: unknown): error is RestError {
  return error instanceof RestError || (error instanceof Error && error.name === "RestError");
}

/** The blob or container does not exist (HTTP 404). */
export function isNotFound(error: unknown): boolean {
  return isRestError(error) && error.statusCode === 404;
}

/** A conditional write lost to another writer (HTTP 409 on create-only, 412 on If-Match). */
export function isLostRace(error: unknown): boolean {
  return isRestError(error) && (error.statusCode === 409 || error.statusCode === 412);
}

export function describeStorageError(error: unknown): string {
  if (isRestError(error)) {
    const status = error.statusCode === undefined ? "no response" : `HTTP ${error.statusCode}`;
    return `${status}${error.code ? ` ${error.code}` : ""}: ${error.message.split("\n")[0]}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Runs one storage call; any failure becomes a TransientStorageError naming the operation. */
export async function storageCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof JobError) throw error;
    throw new TransientStorageError(operation, error);
  }
}

/** What the render-jobs worker does with a delivery that threw. */
export type DeliveryFailure =
  /** Moved to the poison queue at once, as received: no delivery can fix it (`reason` says why). */
  | { action: "poison"; reason: string }
  /** Thrown to the host, which redelivers it and poisons it after maxDequeueCount (host.json). */
  | { action: "retry" };

const poison = (error: Error): DeliveryFailure => ({ action: "poison", reason: error.message });

const deliveryFailures = [
  errorRule(RejectedMessageError, poison),
  // A name outside the layout cannot come from a valid message: refused like one, never retried.
  errorRule(InvalidBlobNameError, poison),
];

/** Retry vs poison for a chunk message whose processing threw (functions/renderBatch.ts). */
export function deliveryFailure(error: unknown): DeliveryFailure {
  return translateError(error, deliveryFailures) ?? { action: "retry" };
}

/** No stored template has this name (never pushed): names the template and the nearest stored names. */
export class TemplateNotFoundError extends JobError {
  override name = "TemplateNotFoundError";
  constructor(
    readonly template: string,
    readonly suggestions: readonly string[],
  ) {
    super(
      `template "${template}" not found in the "${names.containers.templates}" container${suggestions.length ? `; did you mean ${suggestions.map((name) => JSON.stringify(name)).join(", ")}?` : ""} (push it with cardpress templates push or PUT /api/templates/${template})`,
    );
  }
}

/** A template version (content hash) a card pins is not stored: deleted, or never pushed. */
export class TemplateVersionNotFoundError extends JobError {
  override name = "TemplateVersionNotFoundError";
  constructor(
    readonly hash: string,
    readonly template?: string,
  ) {
    super(
      `template version ${hash}${template ? ` of "${template}"` : ""} not found in the "${names.containers.templates}" container (versions/${hash}.json); push that version again, or name the template without templateVersion to use its current version`,
    );
  }
}

/** A stored template blob that fails its checks (size, JSON, schema, content hash): written by something else. */
export class InvalidStoredTemplateError extends JobError {
  override name = "InvalidStoredTemplateError";
  constructor(
    readonly blob: string,
    reason: string,
  ) {
    super(`stored template ${blob} is unusable: ${reason}; push the template again`);
  }
}

/** A template name that cannot be stored: not a template name, a built-in's, or not the route's. */
export class TemplateNameError extends JobError {
  override name = "TemplateNameError";
}
