// Validating template documents: size and shape limits, the schema with "did you mean", cross-references, and the worst-case cost.
import { TemplateValidationError, type SpecIssue } from "../errors";
import { limits } from "../limits";
import { describeMs, estimateRenderMs, estimateTemplateContentMs } from "../spec/cost";
import { fieldNamesAt, formatPath, isPlainObject, toSpecIssues } from "../spec/issues";
import { parseJsonText } from "../spec/jsonText";
import { templateHash } from "./hash";
import { checkReferences } from "./references";
import { templateDocumentSchema, templateNode, type TemplateDocument } from "./schema";
import type { ParsedTemplate } from "./types";

export { TemplateValidationError } from "../errors";

/**
 * Names people bring from CSS, React Native, satori or other card tools, mapped to this language's:
 * suggested when the name is unknown and its mapping is allowed where it was written.
 */
const aliases: Readonly<Record<string, string>> = {
  // node types
  img: "image",
  picture: "image",
  photo: "image",
  avatar: "image",
  view: "stack",
  div: "stack",
  box: "stack",
  container: "stack",
  flex: "stack",
  row: "stack",
  column: "stack",
  frame: "stack",
  group: "stack",
  rect: "shape",
  rectangle: "shape",
  circle: "shape",
  line: "shape",
  span: "text",
  label: "text",
  p: "text",
  paragraph: "text",
  // properties
  justifyContent: "justify",
  alignItems: "align",
  textAlign: "align",
  flexDirection: "direction",
  flexGrow: "grow",
  flexShrink: "shrink",
  borderRadius: "radius",
  cornerRadius: "radius",
  backgroundColor: "background",
  bg: "background",
  fontFamily: "font",
  fontSize: "font",
  fontWeight: "font",
  lineClamp: "maxLines",
  numberOfLines: "maxLines",
  textTransform: "transform",
  objectFit: "fit",
  objectPosition: "focus",
  source: "src",
  url: "src",
  borderColor: "stroke",
  borderWidth: "strokeWidth",
  content: "text",
  value: "text",
  items: "children",
  nodes: "children",
  spacing: "gap",
  rowGap: "gap",
  columnGap: "gap",
  // values
  "flex-start": "start",
  "flex-end": "end",
  left: "start",
  right: "end",
  middle: "center",
  horizontal: "row",
  vertical: "column",
};

const nodeTypes = ["stack", "text", "image", "shape"] as const;
const fieldsByNodeType = new Map(
  nodeTypes.map((type) => [type, fieldNamesAt(templateNode, [], { type })] as const),
);

/** A property of another node type (`justify` on a text node): say which type has it. */
function fieldOfAnotherType(key: string, known: readonly string[]): string | undefined {
  if (!known.includes("type")) return undefined;
  const name = Object.hasOwn(aliases, key) ? (aliases[key] ?? key) : key;
  const owners = nodeTypes.filter((type) => fieldsByNodeType.get(type)?.includes(name));
  if (!owners.length) return undefined;
  const suffix = name === key ? "" : ` (as "${name}")`;
  return `unknown field for this node type; ${owners.join(" and ")} nodes have it${suffix}: wrap this node in a stack or move the property there`;
}

const kib = (bytes: number) => `${(bytes / 1024).toLocaleString("en-US")} KiB`;

function sizeIssue(bytes: number): SpecIssue | undefined {
  const max = limits.template.maxDocumentBytes;
  return bytes > max
    ? {
        path: "",
        message: `expected a template of at most ${kib(max)} (${max.toLocaleString("en-US")} bytes), received ${bytes.toLocaleString("en-US")} bytes`,
      }
    : undefined;
}

/**
 * Node count and depth, counted on the raw document before the schema runs: a deep tree never
 * reaches the schema's recursion, and a huge one is reported once rather than node by node.
 */
function structureIssues(input: unknown): SpecIssue[] {
  if (!isPlainObject(input) || input.root === undefined) return [];
  const { maxDepth, maxNodes } = limits.template;
  const pending: { value: unknown; path: (string | number)[]; depth: number }[] = [
    { value: input.root, path: ["root"], depth: 1 },
  ];
  let count = 0;
  let tooDeep: { path: (string | number)[]; depth: number } | undefined;
  for (let next = pending.pop(); next; next = pending.pop()) {
    count++;
    if (next.depth > maxDepth && (!tooDeep || next.depth > tooDeep.depth)) tooDeep = next;
    const children = isPlainObject(next.value) ? next.value.children : undefined;
    if (!Array.isArray(children)) continue;
    for (let index = children.length - 1; index >= 0; index--) {
      pending.push({
        value: children[index] as unknown,
        path: [...next.path, "children", index],
        depth: next.depth + 1,
      });
    }
  }
  const issues: SpecIssue[] = [];
  if (count > maxNodes) {
    issues.push({
      path: "root",
      message: `expected at most ${maxNodes} nodes in a template, received ${count.toLocaleString("en-US")}`,
    });
  }
  if (tooDeep) {
    issues.push({
      path: formatPath(tooDeep.path),
      message: `expected nodes nested at most ${maxDepth} deep (the root is 1), received a node at depth ${tooDeep.depth}`,
    });
  }
  return issues;
}

/** The worst case (every text param at its longest, at the template's size as PNG) over the per-card limit. */
function costIssue(document: TemplateDocument): SpecIssue | undefined {
  const pixelMs = estimateRenderMs({ size: document.size, scale: 1, format: "png" });
  const content = estimateTemplateContentMs(document);
  const total = pixelMs + content.ms;
  if (total <= limits.maxCardRenderMs) return undefined;
  const costliest = content.parts
    .slice(0, 3)
    .map((part) => `${part.path || "the tree"}: ${part.what}, ${describeMs(part.ms)}`)
    .join("; ");
  const lever = content.parts.find((part) => part.param !== undefined)?.param;
  return {
    path: content.parts[0]?.path || "root",
    message: `a card of this template could take ${describeMs(total)} to render in the worst case (every text param at its maxLength, or ${limits.template.maxParamLength.toLocaleString("en-US")} characters without one), over the per-card limit of ${describeMs(limits.maxCardRenderMs).slice(1)}; costliest: ${costliest}. Lower the text params' maxLength${lever ? ` (e.g. params.${lever}.maxLength)` : ""}, use fewer placeholders or text nodes, or narrow the auto-fit ranges`,
  };
}

function documentText(input: string | Uint8Array): string {
  return typeof input === "string" ? input : new TextDecoder().decode(input);
}

function byteLength(input: unknown): number | SpecIssue {
  if (typeof input === "string") return Buffer.byteLength(input, "utf8");
  if (input instanceof Uint8Array) return input.byteLength;
  try {
    return Buffer.byteLength(JSON.stringify(input) ?? "", "utf8");
  } catch (error) {
    return {
      path: "",
      message: `expected a JSON document, received a value JSON cannot hold (${(error as Error).message})`,
    };
  }
}

/**
 * Validates a template: JSON text (a string or bytes; syntax errors throw JsonSyntaxError with
 * line and column) or an already parsed value. Throws TemplateValidationError naming every problem
 * with its path, what was expected and what was received; returns the document without `$schema`
 * and its content hash. `source` names the template in messages (a file name, a stored name).
 */
export function parseTemplate(input: unknown, source = "template"): ParsedTemplate {
  const isText = typeof input === "string" || input instanceof Uint8Array;
  // A value is walked for its shape first: serializing a deep tree to count its bytes would recurse.
  const early = isText ? [] : structureIssues(input);
  if (early.length) throw new TemplateValidationError(early, source);
  const bytes = byteLength(input);
  const tooBig = typeof bytes === "number" ? sizeIssue(bytes) : bytes;
  if (tooBig) throw new TemplateValidationError([tooBig], source);
  const value = isText ? parseJsonText(documentText(input), source) : input;
  const structure = isText ? structureIssues(value) : [];
  if (structure.length) throw new TemplateValidationError(structure, source);
  const parsed = templateDocumentSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    throw new TemplateValidationError(
      toSpecIssues(parsed.error.issues, {
        schema: templateDocumentSchema,
        input: value,
        aliases,
        unknownField: (key, known) => fieldOfAnotherType(key, known),
      }),
      source,
    );
  }
  // `$schema` only tells editors where the schema is: it must not reach the renderer or the hash.
  const document: TemplateDocument & { $schema?: string } = { ...parsed.data };
  delete document.$schema;
  const references = checkReferences(document);
  if (references.length) throw new TemplateValidationError(references, source);
  const overBudget = costIssue(document);
  if (overBudget) throw new TemplateValidationError([overBudget], source);
  return { document, hash: templateHash(document) };
}
