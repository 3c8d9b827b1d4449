// The local stack's public API: Azurite, the emulated Functions host, the stack registry; the CLI, tests and benchmarks import only this.
export { DataFolderInUseError } from "./dataFolderLock";
export { consoleLogHandler } from "./functionsHost";
export { type HttpHandler } from "./httpServer";
export { stateDir } from "./stateDir";
export { type QueueHandler } from "./queueListener";
export { type LocalStack, startLocalStack } from "./stack";
export { readStackFile, stackFilePath, stateDirVariable } from "./stackFile";
export { isSupervisedStackProcess, superviseStackProcess } from "./supervisor";
export { type TimerHandler } from "./timerScheduler";
