// Named error classes of the renderer: every failure says what was wrong and what was expected.

/** One problem found in a card spec or batch file. */
export interface SpecIssue {
  /** Field path such as `items[3].theme.background`. */
  path: string;
  message: string;
}

/** The renderer's base: every error the renderer throws is one (jobs/, functions/ and cli/ translate them). */
export class RenderError extends Error {
  override name = "RenderError";
}

/** The spec or batch file does not match the schema; `issues` lists every field at fault. */
export class SpecValidationError extends RenderError {
  override name = "SpecValidationError";
  constructor(
    readonly issues: SpecIssue[],
    /** What was invalid, as the message names it: a card spec, or a batch file as a whole. */
    subject: "card spec" | "batch file" = "card spec",
  ) {
    super(
      `invalid ${subject}: ${issues
        .slice(0, 5)
        .map((issue) => `${issue.path || "(root)"}: ${issue.message}`)
        .join("; ")}${issues.length > 5 ? `; and ${issues.length - 5} more` : ""}`,
    );
  }
}

/** A template document does not validate; `issues` lists every problem with its JSON path (`root.children[2].font.size`). */
export class TemplateValidationError extends RenderError {
  override name = "TemplateValidationError";
  constructor(
    readonly issues: SpecIssue[],
    /** Where the template came from: a file name, a stored name, or "template". */
    readonly source = "template",
  ) {
    super(
      `invalid template${source === "template" ? "" : ` ${source}`}: ${issues
        .slice(0, 5)
        .map((issue) => `${issue.path || "(root)"}: ${issue.message}`)
        .join("; ")}${issues.length > 5 ? `; and ${issues.length - 5} more` : ""}`,
    );
  }
}

/** An image given to the renderer (logo, background) is missing, too large or not an image. */
export class AssetError extends RenderError {
  override name = "AssetError";
  constructor(
    readonly field: string,
    readonly asset: string,
    reason: string,
  ) {
    super(`${field} "${asset}": ${reason}`);
  }
}

/**
 * The bytes the caller provided under asset `name`, for the spec's `field`; throws AssetError when
 * there is no asset with that name (every asset a card names — image or font — fails the same way).
 */
export function requireAsset(
  assets: ReadonlyMap<string, Uint8Array>,
  field: string,
  name: string,
): Uint8Array {
  const bytes = assets.get(name);
  if (!bytes) throw new AssetError(field, name, "was not provided (no asset with that name)");
  return bytes;
}

/**
 * A font file is not one cardpress can draw with: not a font, truncated, too large, or a font
 * whose tables contradict themselves. A brand font's error names its `fonts[i].src`.
 */
export class FontFileError extends RenderError {
  override name = "FontFileError";
}

/** The requested canvas engine cannot be loaded on this machine. */
export class EngineUnavailableError extends RenderError {
  override name = "EngineUnavailableError";
}

export function isPermanentRenderError(
  error: unknown,
): error is SpecValidationError | TemplateValidationError | AssetError | FontFileError {
  return (
    error instanceof SpecValidationError ||
    error instanceof TemplateValidationError ||
    error instanceof AssetError ||
    error instanceof FontFileError
  );
}
