// Writes docs/templates.md's reference tables from the zod schema of templates (a test checks they are current).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { limits } from "../renderer/limits";
import {
  brandFont,
  length,
  paramDefinition,
  paramName,
  templateBackground,
  templateColor,
  templateDocumentSchema,
  templateGradient,
  templateName,
  templateNode,
} from "../renderer/template/schema";

type Schema = z.core.$ZodType;

export const templateDocsFile = path.join(__dirname, "..", "docs", "templates.md");
const begin = "<!-- generated:reference (npx tsx scripts/write-template-docs.ts) -->";
const end = "<!-- /generated:reference -->";

/**
 * Schemas the reference names by a word and a link rather than spelling out their shape, keyed by
 * their definition: `.describe()` clones a schema but keeps its definition.
 */
const namedSchemas = new Map<z.core.$ZodTypeDef, string>([
  [templateColor._zod.def, "[colour](#colours)"],
  [templateBackground._zod.def, "[colour](#colours), [gradient](#gradient) or `{{param}}`"],
  [templateGradient._zod.def, "[gradient](#gradient)"],
  [length._zod.def, "[length](#lengths-and-units)"],
  [templateNode._zod.def, "[node](#nodes)"],
  [paramName._zod.def, "param name"],
  [templateName._zod.def, 'template name (`"brand/quote"`)'],
  [paramDefinition._zod.def, "[param](#param)"],
  [brandFont._zod.def, "[brand font](#brand-font)"],
]);
const nameOf = (schema: Schema): string | undefined => namedSchemas.get(schema._zod.def);

/** One line per node type; the rest of each section is generated. */
const nodeSummaries: Record<string, string> = {
  stack: "A flexbox container: lays out its `children` in a row or a column.",
  text: "Text with `{{param}}` placeholders, wrapped, auto-fitted and clamped.",
  image:
    "An image param (or asset) drawn into its box, cropped (`cover`) or letterboxed (`contain`).",
  shape: "A rectangle, circle or line; its box is set by `width`/`height` like any node.",
};

/** The schema inside optional/default/pipe wrappers, and the default on the way, if any. */
function unwrap(schema: Schema): { inner: Schema; defaultValue?: unknown; optional: boolean } {
  let current = schema;
  let defaultValue: unknown;
  let optional = false;
  for (;;) {
    if (current instanceof z.ZodOptional) {
      optional = true;
      current = current.def.innerType;
    } else if (current instanceof z.ZodDefault) {
      optional = true;
      defaultValue = current.def.defaultValue;
      current = current.def.innerType;
    } else if (current instanceof z.ZodPipe) {
      current = current.def.in;
    } else if (current instanceof z.ZodLazy) {
      if (nameOf(current)) return { inner: current, defaultValue, optional };
      current = current.def.getter();
    } else {
      return { inner: current, defaultValue, optional };
    }
  }
}

/** The first `.describe()` text on the way in through wrappers. */
function descriptionOf(schema: Schema): string {
  let current: Schema | undefined = schema;
  while (current) {
    const text = z.globalRegistry.get(current)?.description;
    if (text) return text;
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault) {
      current = current.def.innerType;
    } else current = undefined;
  }
  return "";
}

const range = (min: number | null, max: number | null): string =>
  min !== null && max !== null && Number.isFinite(min) && Number.isFinite(max)
    ? ` ${min}–${max}`
    : "";

function patternOf(schema: z.ZodString): string | undefined {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  return typeof json.pattern === "string" ? json.pattern : undefined;
}

function maxItemsOf(schema: z.ZodArray): number | undefined {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  return typeof json.maxItems === "number" ? json.maxItems : undefined;
}

/** Numbers bounded by the largest card side are lengths in px; others show their range. */
function numberType(schema: z.ZodNumber): string {
  if (schema.maxValue === limits.maxDimension && !schema.isInt) {
    if (schema.minValue === 0) return "px";
    if (schema.minValue === -limits.maxDimension) return "px (may be negative)";
    return `px ≥ ${schema.minValue}`;
  }
  return `${schema.isInt ? "integer" : "number"}${range(schema.minValue, schema.maxValue)}`;
}

/** A property's type in words, linking to the section of a named or nested schema. */
export function typeOf(schema: Schema): string {
  const { inner } = unwrap(schema);
  const named = nameOf(inner);
  if (named) return named;
  if (inner instanceof z.ZodLazy) return typeOf(inner.def.getter());
  if (inner instanceof z.ZodUnion)
    return inner.def.options.map((option) => typeOf(option)).join(" or ");
  if (inner instanceof z.ZodEnum)
    return inner.options.map((option) => `\`${String(option)}\``).join(", ");
  if (inner instanceof z.ZodLiteral)
    return inner.def.values.map((value) => `\`${JSON.stringify(value)}\``).join(", ");
  if (inner instanceof z.ZodNumber) return numberType(inner);
  if (inner instanceof z.ZodString && patternOf(inner)?.includes("vmin")) {
    return "[viewport length](#lengths-and-units)";
  }
  if (inner instanceof z.ZodString)
    return inner.maxLength === null ? "string" : `string (≤ ${inner.maxLength})`;
  if (inner instanceof z.ZodBoolean) return "`true` or `false`";
  if (inner instanceof z.ZodTuple && inner.def.items.length === 4) {
    const sides = new Set(inner.def.items.map((item) => typeOf(item)));
    if (sides.size === 1) return `[top, right, bottom, left], each ${[...sides].join("")}`;
  }
  if (inner instanceof z.ZodTuple)
    return `[${inner.def.items.map((item) => typeOf(item)).join(", ")}]`;
  if (inner instanceof z.ZodArray) {
    const max = maxItemsOf(inner);
    return `list of ${typeOf(inner.def.element)}${max === undefined ? "" : ` (≤ ${max})`}`;
  }
  if (inner instanceof z.ZodRecord)
    return `object: ${typeOf(inner.def.keyType)} → ${typeOf(inner.def.valueType)}`;
  if (inner instanceof z.ZodObject) {
    const fields = Object.entries(inner.shape as Record<string, Schema>);
    return `{ ${fields.map(([key, value]) => `\`${key}\`: ${typeOf(value)}`).join(", ")} }`;
  }
  throw new Error(`write-template-docs: no words for a ${inner._zod.def.type} schema`);
}

function defaultOf(schema: Schema): string {
  const { defaultValue, optional } = unwrap(schema);
  if (defaultValue !== undefined) return `\`${JSON.stringify(defaultValue)}\``;
  return optional ? "—" : "**required**";
}

/** A Markdown table of an object schema's properties, `skip` left out. */
function propertyTable(
  shape: Record<string, Schema>,
  skip: ReadonlySet<string> = new Set(),
): string {
  const rows = Object.entries(shape)
    .filter(([key]) => !skip.has(key))
    .map(
      ([key, value]) =>
        `| \`${key}\` | ${typeOf(value)} | ${defaultOf(value)} | ${descriptionOf(value)} |`,
    );
  return ["| property | type | default | meaning |", "| --- | --- | --- | --- |", ...rows].join(
    "\n",
  );
}

const shapeOf = (schema: Schema): Record<string, Schema> => {
  const { inner } = unwrap(schema);
  if (!(inner instanceof z.ZodObject))
    throw new Error("write-template-docs: expected an object schema");
  return inner.shape as Record<string, Schema>;
};

/** The four node schemas by their `type`. */
function nodeSchemas(): [string, Record<string, Schema>][] {
  const union = unwrap(templateNode as Schema).inner;
  const resolved = union instanceof z.ZodLazy ? union.def.getter() : union;
  if (!(resolved instanceof z.ZodUnion))
    throw new Error("write-template-docs: templateNode is not a union");
  return resolved.def.options.map((option) => {
    const shape = shapeOf(option);
    const literal = shape.type;
    if (!(literal instanceof z.ZodLiteral))
      throw new Error("write-template-docs: node without a type literal");
    return [String(literal.def.values[0]), shape];
  });
}

/** Whether two properties are one definition (`tall` is `.optional()`-wrapped anew in each node). */
function sameProperty(a: Schema | undefined, b: Schema | undefined): boolean {
  if (!a || !b) return false;
  return a === b || unwrap(a).inner._zod.def === unwrap(b).inner._zod.def;
}

/** What each template limit bounds; a limit without words here stops the script (and fails its test). */
const limitWords: Record<keyof typeof limits.template, string> = {
  maxDocumentBytes: "size of one template file",
  maxNodes: "nodes in one template",
  maxDepth: "nesting depth of nodes",
  maxParams: "params a template declares, and params a card gives",
  maxParamNameLength: "characters of a param name",
  maxParamLength: "characters of one param's value (a text param's `maxLength` may lower it)",
  maxLiteralText: "characters of a text node's own `text`, before placeholders are filled",
  maxTextNodes: "text nodes in one template",
  maxImageNodes: "image nodes in one template",
  maxLines: "a text node's `maxLines`",
  maxFonts: "brand fonts in one template",
  maxFontBytes: "size of one brand font file",
  maxNameLength: "characters of a template name",
};

const byteSize = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`;

/** The template limits (renderer/limits.ts), with the card limits a template's inputs also meet. */
function limitsTable(): string {
  const rows = Object.entries(limits.template).map(([key, value]) => {
    const words = limitWords[key as keyof typeof limits.template];
    if (!words) throw new Error(`write-template-docs: no words for limits.template.${key}`);
    const shown = key.endsWith("Bytes") ? byteSize(value) : value.toLocaleString("en-US");
    return `| ${words} | ${shown} | \`limits.template.${key}\` |`;
  });
  return [
    "| what | at most | name |",
    "| --- | --- | --- |",
    ...rows,
    `| size of one image (an image param's file) | ${byteSize(limits.maxAssetBytes)}, ${limits.maxAssetPixels.toLocaleString("en-US")} pixels declared | \`limits.maxAssetBytes\`, \`limits.maxAssetPixels\` |`,
    `| stops of one gradient | ${limits.maxGradientStops} | \`limits.maxGradientStops\` |`,
    `| estimated render time of one card (size, format and the template's content) | ${limits.maxCardRenderMs.toLocaleString("en-US")} ms | \`limits.maxCardRenderMs\` |`,
  ].join("\n");
}

const sentence = (text: string): string => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

/** The reference section: document, the properties every node has, each node type, nested objects. */
export function referenceMarkdown(): string {
  const nodes = nodeSchemas();
  const [first = ["", {}]] = nodes;
  // Properties every node type shares, by identity: they come from one definition (boxFields).
  const common = Object.keys(first[1]).filter(
    (key) => key !== "type" && nodes.every(([, shape]) => sameProperty(shape[key], first[1][key])),
  );
  const commonSet = new Set(common);
  const text = nodes.find(([type]) => type === "text")?.[1] ?? {};
  const tall = unwrap(first[1].tall ?? z.never()).inner;
  const font = unwrap(text.font ?? z.never()).inner;
  namedSchemas.set(tall._zod.def, "[tall overrides](#tall)");
  namedSchemas.set(font._zod.def, "[font](#font)");
  const sections = [
    "### Document",
    "",
    "The top level of a template file.",
    "",
    propertyTable(shapeOf(templateDocumentSchema)),
    "",
    "### Nodes",
    "",
    `Every node has a \`type\` (${nodes.map(([type]) => `\`${type}\``).join(", ")}) and these properties:`,
    "",
    propertyTable(Object.fromEntries(common.map((key) => [key, first[1][key] ?? z.never()]))),
    "",
    ...nodes.flatMap(([type, shape]) => [
      `### \`${type}\``,
      "",
      nodeSummaries[type] ?? "",
      "",
      propertyTable(shape, new Set(["type", ...commonSet])),
      "",
    ]),
    "### `font`",
    "",
    "A `text` node's font.",
    "",
    propertyTable(shapeOf(font)),
    "",
    "### `tall`",
    "",
    `${sentence(descriptionOf(tall))}. Each applies where the node has that property.`,
    "",
    propertyTable(shapeOf(tall)),
    "",
    "### Param",
    "",
    "One entry of the document's `params`.",
    "",
    propertyTable(shapeOf(paramDefinition)),
    "",
    "### Brand font",
    "",
    "One entry of the document's `fonts`.",
    "",
    propertyTable(shapeOf(brandFont)),
    "",
    "### Gradient",
    "",
    "A linear gradient, as a `background` or a `shape`'s `fill`, with CSS's angle.",
    "",
    propertyTable(shapeOf(templateGradient)),
    "",
    "### Limits",
    "",
    "Checked when a template is validated (a template that could not render within them is refused then, not when a card renders) and when a card is.",
    "",
    limitsTable(),
  ];
  return sections.join("\n");
}

/**
 * docs/templates.md with its generated section replaced, formatted as the repository formats it.
 * Prettier runs as its own process: its API loads plugins by dynamic import, which Jest's CommonJS
 * runtime refuses.
 */
export function currentTemplateDocs(): string {
  const existing = fs.readFileSync(templateDocsFile, "utf8");
  const from = existing.indexOf(begin);
  const to = existing.indexOf(end);
  if (from < 0 || to < from) {
    throw new Error(`${templateDocsFile}: expected the markers ${begin} and ${end}`);
  }
  const text = `${existing.slice(0, from + begin.length)}\n\n${referenceMarkdown()}\n\n${existing.slice(to)}`;
  const prettier = path.join(
    path.dirname(require.resolve("prettier/package.json")),
    "bin",
    "prettier.cjs",
  );
  return execFileSync(process.execPath, [prettier, "--stdin-filepath", templateDocsFile], {
    input: text,
    encoding: "utf8",
  });
}

function main(): void {
  fs.writeFileSync(templateDocsFile, currentTemplateDocs());
  console.log(`wrote ${path.relative(process.cwd(), templateDocsFile)}`);
}

if (require.main === module) main();
