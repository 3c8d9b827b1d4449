// Helpers that know nothing of cardpress's domain (a byte-bounded LRU cache, bounded concurrency, the package's own folder, sleep, base64, error tables, validated JSON documents); any layer may import them.
export { isBase64 } from "./base64";
export { ByteBudgetCache } from "./byteBudgetCache";
export { mapWithLimit, yieldToEventLoop } from "./concurrency";
export { type ErrorClass, errorRule, type ErrorRule, translateError } from "./errorRules";
export { assertJsonDocument, JsonDocumentError, parseJsonDocument } from "./jsonDocument";
export { packageRoot } from "./packageRoot";
export { sleep } from "./sleep";
