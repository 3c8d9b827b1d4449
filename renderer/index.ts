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
