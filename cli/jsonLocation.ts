// Where a JSON path such as `root.children[2].font.size` sits in a JSON text: its line and column, so an editor can jump to it.
import { type Node, parseTree } from "jsonc-parser";
import { lineAndColumn } from "../renderer";

export interface TextLocation {
  /** From 1, as editors count. */
  line: number;
  column: number;
}

/**
 * The property of `object` that `rest` (what is left of the path) starts with: the longest key
 * followed by the path's end, "." or "[", so a key holding a dot still matches.
 */
function propertyMatching(
  object: Node,
  rest: string,
): { property: Node; rest: string } | undefined {
  let best: { property: Node; rest: string } | undefined;
  for (const property of object.children ?? []) {
    const key: unknown = property.children?.[0]?.value;
    if (typeof key !== "string" || !rest.startsWith(key)) continue;
    const after = rest.slice(key.length);
    if (after !== "" && !after.startsWith(".") && !after.startsWith("[")) continue;
    if (!best || key.length > rest.length - best.rest.length) {
      best = { property, rest: after.startsWith(".") ? after.slice(1) : after };
    }
  }
  return best;
}

/**
 * The line and column of the deepest part of `path` found in `text` (formatPath's notation): the
 * property's name for an object member, the element for an array index. A path naming something
 * absent (a missing field) gives its parent's place. Undefined when the text is not JSON.
 */
export function locateJsonPath(text: string, path: string): TextLocation | undefined {
  const root = parseTree(text);
  if (!root) return undefined;
  let node: Node = root;
  let at = root.offset;
  let rest = path;
  while (rest) {
    const index = /^\[(\d+)\]\.?/.exec(rest);
    if (node.type === "array" && index) {
      const element = node.children?.[Number(index[1])];
      if (!element) break;
      node = element;
      at = element.offset;
      rest = rest.slice(index[0].length);
      continue;
    }
    if (node.type !== "object") break;
    const match = propertyMatching(node, rest);
    const value = match?.property.children?.[1];
    if (!match || !value) break;
    node = value;
    at = match.property.offset;
    rest = match.rest;
  }
  return lineAndColumn(text, at);
}
