// Chooses the canvas engine: @napi-rs/canvas unless CARDPRESS_ENGINE asks for skia-canvas.
import { EngineUnavailableError } from "../errors";
import { createNapiEngine } from "./napi";
import { createSkiaCanvasEngine } from "./skiaCanvas";
import type { CanvasEngine } from "./types";

const engineSetting = "CARDPRESS_ENGINE";
const engineNames = ["napi", "skia-canvas"] as const;
export type EngineName = (typeof engineNames)[number];

const engines = new Map<EngineName, CanvasEngine>();

/**
 * The engine named by CARDPRESS_ENGINE (default napi). skia-canvas is never picked implicitly:
 * output must not change because another package happens to be installed.
 */
export function engineName(env: NodeJS.ProcessEnv = process.env): EngineName {
  const requested = env[engineSetting]?.trim() || "napi";
  if (!(engineNames as readonly string[]).includes(requested)) {
    throw new EngineUnavailableError(
      `${engineSetting}=${JSON.stringify(requested)} is not an engine; expected one of ${engineNames.join(", ")}`,
    );
  }
  return requested as EngineName;
}

export function getEngine(name: EngineName = engineName()): CanvasEngine {
  let engine = engines.get(name);
  if (!engine) {
    engine = name === "napi" ? createNapiEngine() : createSkiaCanvasEngine();
    engines.set(name, engine);
  }
  return engine;
}
