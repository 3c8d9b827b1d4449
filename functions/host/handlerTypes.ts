// The handler signatures of the app's functions and the app settings they read, for the functions and every host that runs them.
import type {
  HttpHandler as AzureHttpHandler,
  HttpResponse,
  HttpResponseInit,
  StorageQueueHandler,
  TimerHandler as AzureTimerHandler,
} from "@azure/functions";

/**
 * App settings as a value: in Azure they are the process environment (the `app.*` registrations
 * pass `process.env`); the local host passes its `env` option; tests pass their own.
 */
export type AppSettings = NodeJS.ProcessEnv;

// @azure/functions' handler types, narrowed to async: every host awaits (or chains on) the result.
export type HttpHandler = (
  ...args: Parameters<AzureHttpHandler>
) => Promise<HttpResponseInit | HttpResponse>;
/** What the app's own HTTP functions are: they answer with an HttpResponseInit (tests read its jsonBody). */
export type HttpInitHandler = (...args: Parameters<AzureHttpHandler>) => Promise<HttpResponseInit>;
export type QueueHandler = (...args: Parameters<StorageQueueHandler>) => Promise<void>;
export type TimerHandler = (...args: Parameters<AzureTimerHandler>) => Promise<void>;
