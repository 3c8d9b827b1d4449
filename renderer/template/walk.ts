// Visiting every node of a template's tree with its JSON path (validation, cost and params checks).
import { placeholderPattern, type TemplateDocument, type TemplateNode } from "./schema";

export interface VisitedNode {
  node: TemplateNode;
  /** JSON path from the document's top: `["root", "children", 2]`. */
  path: (string | number)[];
  /** 1 for the root. */
  depth: number;
}

/** Every node, parents before children, in document order. */
export function nodesOf(document: Pick<TemplateDocument, "root">): VisitedNode[] {
  const visited: VisitedNode[] = [];
  const pending: VisitedNode[] = [{ node: document.root, path: ["root"], depth: 1 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    visited.push(next);
    if (next.node.type !== "stack" || !next.node.children) continue;
    const { children } = next.node;
    for (let index = children.length - 1; index >= 0; index--) {
      const child = children[index];
      if (child) {
        pending.push({
          node: child,
          path: [...next.path, "children", index],
          depth: next.depth + 1,
        });
      }
    }
  }
  return visited;
}

/** The params a string names with `{{param}}` placeholders, in order, repeats included. */
export function placeholdersIn(value: string): string[] {
  // matchAll clones the pattern, so its lastIndex is never shared between calls.
  return [...value.matchAll(placeholderPattern)].map((match) => match[1] ?? "");
}
