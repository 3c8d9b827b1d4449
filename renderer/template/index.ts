// The template engine's surface for the rest of the renderer: draw a card from a template, list its assets.
export { drawTemplateCard, type TemplateDrawing } from "./render";
export { templateAssetNames } from "./assets";
export { shippedFontsFor } from "./fonts";
export type { ParsedTemplate } from "./types";
