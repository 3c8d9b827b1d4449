// The renderer's public API: validate specs, render cards; no I/O beyond the shipped fonts.
export {
  renderCard,
  assetNamesOf,
  logicalSize,
  type AssetBytes,
  type RenderedCard,
} from "./render";
export {
  parseCardSpec,
  parseBatchFile,
  isBatchFile,
  type ParsedBatch,
  type BatchItemResult,
} from "./spec/validate";
export { cardSpecSchema, batchFileSchema, templateNames, formatNames } from "./spec/schema";
export type {
  CardSpec,
  CardSpecInput,
  BatchFileInput,
  ImageFormat,
  TemplateName,
} from "./spec/schema";
export {
  SpecValidationError,
  AssetError,
  EngineUnavailableError,
  isPermanentRenderError,
} from "./errors";
export { limits, maxAssetBytesOf } from "./limits";
export { extensions } from "./encode";
export { RenderError, type SpecIssue } from "./errors";
export { acceptedAssetFormats, type AssetFormat, checkAssetImage } from "./paint/images";
export { describeMs, effectiveQuality, estimateRenderMs, outputSize } from "./spec/cost";
export { JsonSyntaxError, lineAndColumn, parseJsonText } from "./spec/jsonText";
export { assetName, cardId } from "./spec/schema";
export { sizePresets, cardDimensions, withTemplateSize } from "./spec/sizes";
export { formatPath } from "./spec/validate";
// Templates as jobs/ stores them (H5): the document type, names and the card's reference rules.
export { templateNamePattern, type TemplateDocument } from "./template/schema";
export { isBuiltinTemplate, localTemplatePattern } from "./spec/schema";
export { canonicalJson, templateHash } from "./template/hash";
export { templateAssetFields, type TemplateAssetField } from "./template/assets";
export { nodesOf } from "./template/walk";
export type { ParsedTemplate } from "./template/types";
export { FontFileError } from "./errors";
export { checkFontFile, fontContentTypes, type FontFormat } from "./fonts/brandFontFile";
export { BrandFontBudgetError } from "./fonts/brandFontRegistry";
// Template validation (H3): parse and check a template, and a card's params against it.
export { parseTemplate } from "./template/validate";
export { TemplateValidationError } from "./errors";
export { checkCardParams, assertCardParams } from "./template/cardParams";
