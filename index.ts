// cardpress as a library (`import { renderCard } from "cardpress"`): validate card specs and render them to image bytes.
import {
  type AssetBytes,
  type CardSpec,
  type CardSpecInput,
  parseCardSpec,
  renderCard as renderValidatedCard,
  type RenderedCard,
  type SpecIssue,
  SpecValidationError,
} from "./renderer";

export {
  parseCardSpec,
  parseBatchFile,
  isBatchFile,
  assetNamesOf,
  logicalSize,
  cardSpecSchema,
  batchFileSchema,
  templateNames,
  formatNames,
  limits,
  SpecValidationError,
  AssetError,
  EngineUnavailableError,
  isPermanentRenderError,
} from "./renderer";
export type {
  AssetBytes,
  RenderedCard,
  ParsedBatch,
  BatchItemResult,
  CardSpec,
  CardSpecInput,
  BatchFileInput,
  ImageFormat,
  TemplateName,
} from "./renderer";
export type { SpecIssue } from "./renderer";
// Signed og:image URLs (docs/og-urls.md): sign in a build script or a Next.js/Astro page; no Azure package is loaded.
export {
  signCard,
  signCardUrl,
  verifyCardUrl,
  inspectCardUrl,
  canonicalCard,
  cardKey,
  keyIdOf,
  urlLimits,
  SigningError,
  SigningKeyError,
  BaseUrlError,
  MalformedCardUrlError,
  CardUrlLimitError,
  BadSignatureError,
} from "./signing";
export type {
  SignableCard,
  SignCardUrlOptions,
  SignedCardUrl,
  VerifiedCardUrl,
  InspectedCardUrl,
  CanonicalCard,
  CardUrlLimit,
  SigningKeyInput,
} from "./signing";

/** The outcome of validateCard: the complete spec (defaults filled in), or every field at fault. */
export type CardValidation = { ok: true; spec: CardSpec } | { ok: false; issues: SpecIssue[] };

/**
 * Checks a card spec (e.g. parsed JSON) without throwing. `issues` name each field at fault, what
 * was expected and what was received, as the CLI prints them.
 */
export function validateCard(input: unknown): CardValidation {
  try {
    return { ok: true, spec: parseCardSpec(input) };
  } catch (error) {
    if (error instanceof SpecValidationError) return { ok: false, issues: error.issues };
    throw error;
  }
}

export interface RenderCardOptions {
  /**
   * The images the card names in `logo` and `background`, by those names, e.g.
   * `{ "logo.png": await readFile("logo.png") }`. The renderer reads no files itself.
   */
  assets?: AssetBytes | Readonly<Record<string, Uint8Array>>;
}

/**
 * Validates a card spec and renders it: the same bytes as `cardpress render` and the Functions
 * give for the same spec and assets. Throws SpecValidationError for an invalid spec and AssetError
 * for a missing or unreadable image.
 */
export async function renderCard(
  card: CardSpecInput | CardSpec,
  options: RenderCardOptions = {},
): Promise<RenderedCard> {
  const spec = parseCardSpec(card);
  const { assets } = options;
  const assetMap: AssetBytes =
    assets === undefined
      ? new Map()
      : assets instanceof Map
        ? assets
        : new Map(Object.entries(assets as Readonly<Record<string, Uint8Array>>));
  return await renderValidatedCard(spec, assetMap);
}
