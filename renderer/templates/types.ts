// What a template receives to draw one card, and what it declares about itself.
import type { CanvasEngine, DrawableImage, DrawingContext } from "../engine/types";
import type { FontLoader } from "../fonts/loader";
import type { PrimaryFontName } from "../fonts/catalog";
import type { ResolvedTheme } from "../spec/resolveTheme";
import type { CardSpec, TemplateName } from "../spec/schema";
import type { ThemePreset } from "../spec/themes";

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

/** What is known of a card before anything is drawn: enough to say where its images go. */
export type SceneFrame = Pick<Scene, "width" | "height" | "unit" | "spec">;

/** A box an image is drawn into, in logical units (before scale). */
export interface ImageBox {
  width: number;
  height: number;
  fit: "contain" | "cover";
}

/** The largest box each image is drawn into; an image without one is not drawn. */
export interface ImageBoxes {
  logo?: ImageBox;
  background?: ImageBox;
}

export interface Template {
  name: TemplateName;
  description: string;
  defaultPreset: ThemePreset;
  defaultFont: PrimaryFontName;
  /** Where draw() puts the images: they are decoded no larger than this (memory, not looks). */
  imageBoxes(frame: SceneFrame): ImageBoxes;
  draw(scene: Scene): void;
}
