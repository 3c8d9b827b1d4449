// A template's node tree as drawn at one shape (wide or tall), built once per template hash and kept in a bounded cache.
import { ByteBudgetCache } from "../../support";
import type { TallOverrides, TemplateNode } from "./schema";
import type { ParsedTemplate } from "./types";

/** The overrides' shape test: a card is tall when its height is above 0.75 × its width. */
export function isTallCard(width: number, height: number): boolean {
  return height > width * 0.75;
}

/** A node with its `tall` overrides applied (or dropped); undefined when they hide it. */
function applyOverrides(node: TemplateNode, tall: boolean): TemplateNode | undefined {
  const overrides: TallOverrides | undefined = tall ? node.tall : undefined;
  if (overrides?.hidden) return undefined;
  let shaped: TemplateNode = { ...node, tall: undefined };
  if (overrides) {
    const { width, height, direction, gap, padding, size, maxLines } = overrides;
    shaped = {
      ...shaped,
      ...(width !== undefined && { width }),
      ...(height !== undefined && { height }),
    };
    if (shaped.type === "stack") {
      shaped = {
        ...shaped,
        ...(direction !== undefined && { direction }),
        ...(gap !== undefined && { gap }),
        ...(padding !== undefined && { padding }),
      };
    }
    if (shaped.type === "text") {
      shaped = {
        ...shaped,
        ...(size !== undefined && { font: { ...shaped.font, size } }),
        ...(maxLines !== undefined && { maxLines }),
      };
    }
  }
  if (shaped.type === "stack" && shaped.children) {
    const children = shaped.children
      .map((child) => applyOverrides(child, tall))
      .filter((child): child is TemplateNode => child !== undefined);
    shaped = { ...shaped, children };
  }
  return shaped;
}

/**
 * Compiled forms kept: a batch uses one or a few templates; each entry is a small tree, so each
 * counts 1 against a budget of 64 entries. A stored null (hidden root) is a hit like any other.
 */
const compiled = new ByteBudgetCache<TemplateNode | null>(64);

/**
 * The template's tree for a wide or tall card, from the cache when this template (by hash) was
 * compiled before; least recently used entries leave first. Null when the root itself is hidden.
 */
export function compiledTree(template: ParsedTemplate, tall: boolean): TemplateNode | null {
  const key = `${template.hash}:${tall ? "tall" : "wide"}`;
  const kept = compiled.get(key);
  if (kept !== undefined) return kept;
  const tree = applyOverrides(template.document.root, tall) ?? null;
  compiled.set(key, tree, 1);
  return tree;
}

/** How many compiled trees are kept (tests check the bound). */
export function compiledCount(): number {
  return compiled.size;
}
