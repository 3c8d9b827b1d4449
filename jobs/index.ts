// The job pipeline's public API: batches, chunks, assets, status and pruning over storage; other layers import only this.
export {
  AssetChangedError,
  assetContentTypes,
  type AssetField,
  assetFieldsOf,
  checkAssetBytes,
  checkAssetName,
  checkFontAssetBytes,
  type CheckedAsset,
  createAssetLoader,
  InvalidAssetError,
  InvalidAssetNameError,
  isFontType,
  MissingAssetsError,
  storeAsset,
  writeCheckedAsset,
} from "./assets";
export { processChunkMessage } from "./chunk";
export { downloadOutput } from "./download";
export { enqueueBatch, type EnqueuedBatch } from "./enqueue";
export {
  BatchNotFoundError,
  deliveryFailure,
  type DeliveryFailure,
  describeStorageError,
  InvalidBatchIdError,
  InvalidBlobNameError,
  InvalidStoredTemplateError,
  JobError,
  RejectedMessageError,
  StorageConfigError,
  TemplateNameError,
  TemplateNotFoundError,
  TemplateVersionNotFoundError,
  TransientStorageError,
} from "./errors";
export { eventLoopDelay } from "./eventLoopDelay";
export { checkStorageHealth } from "./health";
export {
  IdempotencyConflictError,
  idempotencyKeyHeader,
  IdempotencyKeyReuseError,
  InvalidIdempotencyKeyError,
} from "./idempotency";
export {
  type CardRenderer,
  createOgImages,
  expireOgImages,
  type OgCard,
  type OgExpiryReport,
  type OgImage,
  type OgImages,
  type OgRenderContext,
  OgRenderPendingError,
} from "./ogImages";
export { quarantineMessage } from "./poison";
export { pruneExpiredBatches } from "./prune";
export { AdmissionLimit, renderCost, type RenderGate, sharedRenderGate } from "./renderGate";
export { type BatchStatus, getBatchStatus } from "./status";
export {
  connectStorage,
  ensureStorageResources,
  type JobStorage,
  openStorage,
  storageClientOptions,
} from "./storage";
export { pinCardTemplates, templateForCard, usesStoredTemplate } from "./templatePins";
export {
  findTemplateVersion,
  getTemplate,
  getTemplateVersion,
  listTemplates,
  type PushedTemplate,
  pushTemplate,
  resolveTemplateVersion,
  type StoredTemplate,
  type TemplateListing,
  type TemplateSummary,
} from "./templates";
