// The asset names a card's template needs loaded: image params' values, literal image sources, brand font files.
import type { TemplateParams } from "../spec/schema";
import { placeholderName, type TemplateDocument, type TemplateNode } from "./schema";

/** Where a card's template names an asset (`params.avatar`, `template.fonts[0]`), the name, and what it must be. */
export interface TemplateAssetField {
  field: string;
  asset: string;
  kind: "image" | "font";
}

/** Asset names a template's image nodes give literally (not through a `{{param}}`). */
function literalSources(node: TemplateNode, path: string): TemplateAssetField[] {
  if (node.type === "image") {
    return placeholderName(node.src) === undefined
      ? [{ field: `${path}.src`, asset: node.src, kind: "image" }]
      : [];
  }
  if (node.type !== "stack") return [];
  return (node.children ?? []).flatMap((child, index) =>
    literalSources(child, `${path}.children[${index}]`),
  );
}

/**
 * Every asset a template makes a card with `params` need, where it is named: its brand fonts, its
 * image params (the card's value, else the param's default) and image nodes' literal sources.
 * Paths are relative to the card; what comes from the template document itself is under
 * `template.` (`template.fonts[0]`). Names are not checked against the asset naming rule here
 * (jobs refuses the card for one that breaks it). Nodes left out by `if` are included: the list
 * does not depend on layout.
 */
export function templateAssetFields(
  document: TemplateDocument,
  params: TemplateParams | undefined,
): TemplateAssetField[] {
  const fonts = document.fonts.map((font, index): TemplateAssetField => ({
    field: `template.fonts[${index}]`,
    asset: font.src,
    kind: "font",
  }));
  const images = Object.entries(document.params).flatMap(
    ([param, definition]): TemplateAssetField[] => {
      if (definition.type !== "image") return [];
      // As the renderer resolves params (./params.ts): the card's value if it gives one, even ""
      // (then nothing is drawn), else the default.
      const own = params !== undefined && Object.hasOwn(params, param);
      const value = own ? params[param] : definition.default;
      if (typeof value !== "string" || value === "") return [];
      const field = own ? `params.${param}` : `template.params.${param}.default`;
      return [{ field, asset: value, kind: "image" }];
    },
  );
  return [...fonts, ...images, ...literalSources(document.root, "template.root")];
}

/**
 * Every asset a card with `params` may draw with `document`, deduplicated, in a stable order:
 * each image param's value (the card's, else its default), the literal image sources, then the
 * brand font files.
 */
export function templateAssetNames(
  document: TemplateDocument,
  params: TemplateParams | undefined,
): string[] {
  const fields = templateAssetFields(document, params);
  const ordered = [
    ...fields.filter((entry) => entry.kind === "image"),
    ...fields.filter((entry) => entry.kind === "font"),
  ];
  return [...new Set(ordered.map((entry) => entry.asset))];
}
