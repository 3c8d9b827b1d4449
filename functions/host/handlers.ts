// The app's exported handlers by function name: the same code the `app.*` registrations in functions/ run.
// First, so loading functions/ outside the Functions host prints no "test mode" warnings.
import "./quietAzureFunctions";
import { createBatch } from "../createBatch";
import { getBatch } from "../getBatch";
import { health } from "../health";
import { pruneRenders } from "../pruneRenders";
import { putAsset } from "../putAsset";
import { renderBatch } from "../renderBatch";
import { renderCardHttp } from "../renderCardHttp";
import type { triggers } from "./triggers";
import { type HttpHandler, type QueueHandler, type TimerHandler } from "../../local";

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
