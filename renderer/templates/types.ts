// What the template engine draws one card with: the canvas, fonts, size and spec (renderer/template/).
import type { CanvasEngine, DrawingContext } from "../engine/types";
import type { FontLoader } from "../fonts/loader";
import type { CardSpec } from "../spec/schema";

export interface Scene {
  engine: CanvasEngine;
  context: DrawingContext;
  fonts: FontLoader;
  /** Logical size (before scale); the context is already scaled. */
  width: number;
  height: number;
  scale: number;
  /** Size unit: 1 on a 1200×630 card, proportionally more or less elsewhere. */
  unit: number;
  spec: CardSpec;
  /** Non-fatal notes collected while drawing. */
  warnings: string[];
}
