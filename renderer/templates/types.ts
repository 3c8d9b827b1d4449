// What the template engine draws one card with: the canvas, fonts, size, spec and theme (renderer/template/).
import type { CanvasEngine, DrawableImage, DrawingContext } from "../engine/types";
import type { FontLoader } from "../fonts/loader";
import type { ResolvedTheme } from "../spec/resolveTheme";
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
  theme: ResolvedTheme;
  images: { logo?: DrawableImage | undefined; background?: DrawableImage | undefined };
  /** Non-fatal notes collected while drawing. */
  warnings: string[];
}
