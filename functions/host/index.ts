// The Functions-host glue's public API: trigger definitions and the handlers by function name, for hosts that run them.
export { functionHandlers, type FunctionHandlers } from "./handlers";
export { type FunctionName, type HttpTriggerDefinition, triggers } from "./triggers";
