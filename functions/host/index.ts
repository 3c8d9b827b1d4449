// The Functions-host glue's public API: trigger definitions, handler types and the handlers by function name, for hosts that run them.
export { functionHandlers, type FunctionHandlers } from "./handlers";
export {
  type AppSettings,
  type HttpHandler,
  type QueueHandler,
  type TimerHandler,
} from "./handlerTypes";
export { type FunctionName, type HttpTriggerDefinition, triggers } from "./triggers";
