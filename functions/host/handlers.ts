// The app's handlers by function name, built for given app settings: the same code the `app.*` registrations in functions/ run.
// First, so loading functions/ outside the Functions host prints no "test mode" warnings.
import "./quietAzureFunctions";
import { createBatchHandler } from "../createBatch";
import { getBatchHandler } from "../getBatch";
import { healthHandler } from "../health";
import { listTemplatesHandler } from "../listTemplates";
import { ogImageHandler } from "../ogImage";
import { pruneRendersHandler } from "../pruneRenders";
import { putAssetHandler } from "../putAsset";
import { putTemplateHandler } from "../putTemplate";
import { renderBatchHandler } from "../renderBatch";
import { renderCardHttpHandler } from "../renderCardHttp";
import type { triggers } from "./triggers";
import type { AppSettings, HttpHandler, QueueHandler, TimerHandler } from "./handlerTypes";

type Triggers = typeof triggers;

/** A handler per trigger kind; the type makes a function added to triggers.ts fail to compile here. */
export type FunctionHandlers = {
  [Name in keyof Triggers]: Triggers[Name]["kind"] extends "storageQueue"
    ? QueueHandler
    : Triggers[Name]["kind"] extends "timer"
      ? TimerHandler
      : HttpHandler;
};

/** Every function's handler, reading `appSettings` (the local host passes its `env`; Azure, process.env). */
export function functionHandlers(appSettings: AppSettings): FunctionHandlers {
  return {
    renderBatch: renderBatchHandler(appSettings),
    pruneRenders: pruneRendersHandler(appSettings),
    renderCardHttp: renderCardHttpHandler(appSettings),
    createBatch: createBatchHandler(appSettings),
    getBatch: getBatchHandler(appSettings),
    putAsset: putAssetHandler(appSettings),
    putTemplate: putTemplateHandler(appSettings),
    listTemplates: listTemplatesHandler(appSettings),
    ogImage: ogImageHandler(appSettings),
    health: healthHandler(appSettings),
  };
}
