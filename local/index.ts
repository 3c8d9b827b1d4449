// The local stack's public API: Azurite, the emulated Functions host, the stack registry; the CLI, tests and benchmarks import only this.
export { DataFolderInUseError } from "./dataFolderLock";
export {
  AppSettingMissingError,
  AzuriteMissingError,
  AzuriteStartError,
  LocalStackError,
} from "./errors";
export { consoleLogHandler } from "./functionsHost";
export {
  type DeliveryOutcome,
  deliverQueueMessage,
  type MessageLease,
  type QueueDeliveryTarget,
} from "./queueDelivery";
export { LocalSigningKeyError, localSigningKey, localSigningKeyPath } from "./ogKey";
export { stateDir } from "./stateDir";
export { type LocalStack, type LocalStackOptions, startLocalStack } from "./stack";
export { readStackFile, stackFilePath, stateDirVariable } from "./stackFile";
export { isSupervisedStackProcess, superviseStackProcess } from "./supervisor";
