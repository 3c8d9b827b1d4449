// HTTP answers for errors: 4xx for the caller's mistakes (with the fields at fault), 5xx only for ours, no stacks.
import { AssetError, type SpecIssue, SpecValidationError } from "../../renderer";
import {
  AssetChangedError,
  BatchNotFoundError,
  IdempotencyConflictError,
  IdempotencyKeyReuseError,
  InvalidAssetError,
  InvalidAssetNameError,
  InvalidBatchIdError,
  InvalidIdempotencyKeyError,
  JobError,
  MissingAssetsError,
  StorageConfigError,
  TransientStorageError,
} from "../../jobs";

/** The request itself is unusable (not JSON, too large, a batch file sent to the single-card route). */
export class RequestBodyError extends JobError {
  override name = "RequestBodyError";
  constructor(
    message: string,
    readonly status: 400 | 413 | 415 = 400,
  ) {
    super(message);
  }
}

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    fields?: SpecIssue[];
    /** With `missing_assets`: the asset names not found in the `assets` container. */
    missingAssets?: string[];
  };
}

export interface HttpError {
  status: number;
  body: ErrorBody;
  /** True when the fault is ours: log it as an error, not as a caller mistake. */
  ours: boolean;
}

const answer = (
  status: number,
  code: string,
  message: string,
  fields?: SpecIssue[],
  extra: Partial<ErrorBody["error"]> = {},
): HttpError => ({
  status,
  body: { error: { code, message, ...(fields ? { fields } : {}), ...extra } },
  ours: status >= 500,
});

export function toHttpError(error: unknown, invocationId: string): HttpError {
  if (error instanceof SpecValidationError) {
    return answer(400, "invalid_spec", error.message, error.issues);
  }
  if (error instanceof RequestBodyError)
    return answer(error.status, "invalid_request", error.message);
  if (error instanceof InvalidBatchIdError) return answer(400, "invalid_batch_id", error.message);
  if (error instanceof BatchNotFoundError) return answer(404, "batch_not_found", error.message);
  if (error instanceof MissingAssetsError) {
    const fields = error.references.map((reference) => ({
      path: reference.path,
      message: `asset ${JSON.stringify(reference.asset)} not found in the assets container`,
    }));
    return answer(400, "missing_assets", error.message, fields, {
      missingAssets: error.missing,
    });
  }
  if (error instanceof InvalidAssetNameError) {
    return answer(400, "invalid_asset_name", error.message);
  }
  if (error instanceof InvalidAssetError) return answer(422, "invalid_asset", error.message);
  if (error instanceof AssetChangedError) return answer(409, "asset_changed", error.message);
  if (error instanceof InvalidIdempotencyKeyError) {
    return answer(400, "invalid_idempotency_key", error.message);
  }
  if (error instanceof IdempotencyKeyReuseError) {
    return answer(422, "idempotency_key_reused", error.message);
  }
  if (error instanceof IdempotencyConflictError) {
    return answer(409, "idempotency_conflict", error.message);
  }
  if (error instanceof AssetError) {
    return answer(422, "asset", error.message, [{ path: error.field, message: error.message }]);
  }
  if (error instanceof TransientStorageError || error instanceof StorageConfigError) {
    return answer(
      503,
      "storage_unavailable",
      `storage is unavailable; retry later (invocation ${invocationId})`,
    );
  }
  return answer(500, "internal", `internal error (invocation ${invocationId})`);
}

/** The response for a failed HTTP invocation, logged as ours (error) or the caller's (warning). */
export function errorResponse(
  error: unknown,
  context: {
    invocationId: string;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
  },
): { status: number; jsonBody: ErrorBody; headers: Record<string, string> } {
  const answer = toHttpError(error, context.invocationId);
  if (answer.ours) context.error(`answering ${answer.status}:`, error);
  else context.warn(`answering ${answer.status}: ${answer.body.error.message}`);
  return { status: answer.status, jsonBody: answer.body, headers: { "Cache-Control": "no-store" } };
}
