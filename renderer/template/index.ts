// The template engine's surface for the rest of the renderer: draw a card from a template, list its assets.
export {
  drawTemplateCard,
  templateSize,
  type TemplateDrawing,
  type TemplateRenderContext,
} from "./render";
export { templateAssetNames } from "./assets";
export { resolveParams, type ResolvedParams, type ParamValue } from "./params";
export { shippedFontsFor, type FontChoice, type FontsFor } from "./fonts";
export { layoutEngine } from "./layout";
export type { ParsedTemplate } from "./types";
