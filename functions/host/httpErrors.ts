// HTTP answers for errors: 4xx for the caller's mistakes (with the fields at fault), 5xx only for ours, no stacks.
import {
  AssetError,
  BrandFontBudgetError,
  FontFileError,
  type SpecIssue,
  SpecValidationError,
  TemplateValidationError,
} from "../../renderer";
import {
  AssetChangedError,
  BatchNotFoundError,
  IdempotencyConflictError,
  IdempotencyKeyReuseError,
  InvalidAssetError,
  InvalidAssetNameError,
  InvalidBatchIdError,
  InvalidIdempotencyKeyError,
  InvalidStoredTemplateError,
  MissingAssetsError,
  OgRenderPendingError,
  StorageConfigError,
  TemplateNameError,
  TemplateNotFoundError,
  TemplateVersionNotFoundError,
  TransientStorageError,
} from "../../jobs";
import {
  BadSignatureError,
  CardUrlLimitError,
  MalformedCardUrlError,
  SigningKeyError,
} from "../../signing";
import { errorRule, type ErrorRule, translateError } from "../../support";

/** The functions' base for a request refused before any layer below saw it; `status` is its HTTP answer. */
export class HttpRequestError extends Error {
  override name = "HttpRequestError";
  constructor(
    message: string,
    readonly status: 400 | 413 | 415 = 400,
  ) {
    super(message);
  }
}

/** The request itself is unusable (not JSON, too large, a batch file sent to the single-card route). */
export class RequestBodyError extends HttpRequestError {
  override name = "RequestBodyError";
}

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    fields?: SpecIssue[];
    /** With `missing_assets`: the asset names not found in the `assets` container. */
    missingAssets?: string[];
    /** With `template_not_found`: stored template names near the one asked for. */
    suggestions?: string[];
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

/** A fault of ours that a retry may fix: the caller is told to retry, without our details. */
const storageUnavailable = (invocationId: string): HttpError =>
  answer(
    503,
    "storage_unavailable",
    `storage is unavailable; retry later (invocation ${invocationId})`,
  );

/** The HTTP answer for each error class the layers below name; anything else is a 500 (ours). */
function httpAnswers(invocationId: string): ErrorRule<HttpError>[] {
  return [
    errorRule(HttpRequestError, (error) => answer(error.status, "invalid_request", error.message)),
    errorRule(SpecValidationError, (error) =>
      answer(400, "invalid_spec", error.message, error.issues),
    ),
    errorRule(AssetError, (error) =>
      answer(422, "asset", error.message, [{ path: error.field, message: error.message }]),
    ),
    errorRule(InvalidBatchIdError, (error) => answer(400, "invalid_batch_id", error.message)),
    errorRule(BatchNotFoundError, (error) => answer(404, "batch_not_found", error.message)),
    errorRule(MissingAssetsError, (error) =>
      answer(
        400,
        "missing_assets",
        error.message,
        error.references.map((reference) => ({
          path: reference.path,
          message: `asset ${JSON.stringify(reference.asset)} not found in the assets container`,
        })),
        { missingAssets: error.missing },
      ),
    ),
    errorRule(InvalidAssetNameError, (error) => answer(400, "invalid_asset_name", error.message)),
    errorRule(InvalidAssetError, (error) => answer(422, "invalid_asset", error.message)),
    errorRule(AssetChangedError, (error) => answer(409, "asset_changed", error.message)),
    errorRule(InvalidIdempotencyKeyError, (error) =>
      answer(400, "invalid_idempotency_key", error.message),
    ),
    errorRule(IdempotencyKeyReuseError, (error) =>
      answer(422, "idempotency_key_reused", error.message),
    ),
    errorRule(IdempotencyConflictError, (error) =>
      answer(409, "idempotency_conflict", error.message),
    ),
    // The template's font file (an asset the caller stored) is unusable: like a bad asset.
    errorRule(FontFileError, (error) => answer(422, "font", error.message)),
    errorRule(BrandFontBudgetError, () =>
      answer(
        503,
        "font_budget",
        `this instance holds as many brand fonts as its budget allows; retry later (invocation ${invocationId})`,
      ),
    ),
    errorRule(TemplateValidationError, (error) =>
      answer(400, "invalid_template", error.message, error.issues),
    ),
    errorRule(TemplateNameError, (error) => answer(400, "invalid_template_name", error.message)),
    errorRule(TemplateNotFoundError, (error) =>
      answer(404, "template_not_found", error.message, undefined, {
        suggestions: [...error.suggestions],
      }),
    ),
    errorRule(TemplateVersionNotFoundError, (error) =>
      answer(404, "template_version_not_found", error.message),
    ),
    // Ours (storage holds a blob we did not write), but the message says what fixes it.
    errorRule(InvalidStoredTemplateError, (error) =>
      answer(500, "invalid_stored_template", error.message),
    ),
    // Signed card URLs (GET /api/og/…; docs/og-urls.md): the signature is checked before the card.
    errorRule(BadSignatureError, (error) => answer(403, "bad_signature", error.message)),
    errorRule(MalformedCardUrlError, (error) => answer(400, "malformed_card_url", error.message)),
    errorRule(CardUrlLimitError, (error) =>
      error.limit === "urlLength"
        ? answer(414, "card_url_too_long", error.message)
        : answer(400, "card_url_limit", error.message),
    ),
    // The deployment's key setting is unusable: ours; its details (the key's length) only in the log.
    errorRule(SigningKeyError, () =>
      answer(
        500,
        "invalid_signing_key",
        `this deployment's card URL signing key is misconfigured (invocation ${invocationId})`,
      ),
    ),
    errorRule(OgRenderPendingError, (error) => answer(503, "render_pending", error.message)),
    errorRule(TransientStorageError, () => storageUnavailable(invocationId)),
    errorRule(StorageConfigError, () => storageUnavailable(invocationId)),
  ];
}

/** The one translation of errors into HTTP answers (the table in docs/architecture.md). */
export function toHttpError(error: unknown, invocationId: string): HttpError {
  return (
    translateError(error, httpAnswers(invocationId)) ??
    answer(500, "internal", `internal error (invocation ${invocationId})`)
  );
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
