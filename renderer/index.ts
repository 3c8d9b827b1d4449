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
export { limits } from "./limits";
export { extensions } from "./encode";
export { RenderError, type SpecIssue } from "./errors";
export { acceptedAssetFormats, type AssetFormat, checkAssetImage } from "./paint/images";
export { describeMs, effectiveQuality, estimateRenderMs, outputSize } from "./spec/cost";
export { JsonSyntaxError, parseJsonText } from "./spec/jsonText";
export { assetName, cardId } from "./spec/schema";
export { sizePresets } from "./spec/sizes";
export { formatPath } from "./spec/validate";
