// The app's exported handlers by function name: the same code the `app.*` registrations in functions/ run.
// First, so loading functions/ outside the Functions host prints no "test mode" warnings.
import "./quietAzureFunctions";
import { createBatch } from "../functions/createBatch";
import { getBatch } from "../functions/getBatch";
import { health } from "../functions/health";
import { pruneRenders } from "../functions/pruneRenders";
import { putAsset } from "../functions/putAsset";
import { renderBatch } from "../functions/renderBatch";
import { renderCardHttp } from "../functions/renderCardHttp";
import type { triggers } from "../functions/host/triggers";
import type { HttpHandler } from "./httpServer";
import type { QueueHandler } from "./queueListener";
import type { TimerHandler } from "./timerScheduler";

type Handlers = typeof triggers;

/** A handler per trigger kind; the type makes a function added to triggers.ts fail to compile here. */
export type FunctionHandlers = {
  [Name in keyof Handlers]: Handlers[Name]["kind"] extends "storageQueue"
    ? QueueHandler
    : Handlers[Name]["kind"] extends "timer"
      ? TimerHandler
      : HttpHandler;
};

export const functionHandlers: FunctionHandlers = {
  renderBatch,
  pruneRenders,
  renderCardHttp,
  createBatch,
  getBatch,
  putAsset,
  health,
};
