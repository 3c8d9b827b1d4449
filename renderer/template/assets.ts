// The asset names a card's template needs loaded: image params' values, literal image sources, brand font files.
import type { TemplateParams } from "../spec/schema";
import { placeholderName, type TemplateDocument, type TemplateNode } from "./schema";

function literalSources(node: TemplateNode, into: string[]): void {
  if (node.type === "image" && placeholderName(node.src) === undefined) into.push(node.src);
  if (node.type === "stack") for (const child of node.children ?? []) literalSources(child, into);
}

/**
 * Every asset a card with `params` may draw with `document`, deduplicated, in a stable order:
 * each image param's value (the card's, else its default), the literal image sources, then the
 * brand font files. Nodes left out by `if` are included: the list does not depend on layout.
 */
export function templateAssetNames(
  document: TemplateDocument,
  params: TemplateParams | undefined,
): string[] {
  const names: string[] = [];
  for (const [name, definition] of Object.entries(document.params)) {
    if (definition.type !== "image") continue;
    const value = params && Object.hasOwn(params, name) ? params[name] : definition.default;
    if (typeof value === "string" && value) names.push(value);
  }
  literalSources(document.root, names);
  for (const font of document.fonts) names.push(font.src);
  return [...new Set(names)];
}
