// Helpers that know nothing of cardpress's domain (bounded concurrency, the package's own folder); any layer may import them.
export { mapWithLimit, yieldToEventLoop } from "./concurrency";
export { packageRoot } from "./packageRoot";
