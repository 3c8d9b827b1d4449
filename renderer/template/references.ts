// A template's cross-references and counts: every placeholder, `if`, font and image names what the document declares, within the limits.
import type { SpecIssue } from "../errors";
import { primaryFontNames } from "../fonts/catalog";
import { limits } from "../limits";
import { describeValue, formatPath } from "../spec/issues";
import { assetName } from "../spec/schema";
import { didYouMean } from "../spec/suggest";
import { paramValueProblem } from "./cardParams";
import {
  placeholderName,
  placeholderPattern,
  type ParamType,
  type TemplateDocument,
  type TemplateNode,
} from "./schema";
import { nodesOf, placeholdersIn } from "./walk";

type Path = readonly (string | number)[];

/** Collects issues with their paths; each check below adds to one of these. */
class IssueList {
  readonly issues: SpecIssue[] = [];
  add(path: Path, message: string): void {
    this.issues.push({ path: formatPath(path), message });
  }
}

const article = (type: string) => (/^[aeiou]/.test(type) ? "an" : "a");
const typeList = (types: readonly ParamType[]) =>
  types.map((type) => `${article(type)} ${type} param`).join(" or ");

/** `{{name}}` at `path` must name a declared param of one of `types`. */
function checkParamReference(
  document: TemplateDocument,
  name: string,
  types: readonly ParamType[],
  path: Path,
  list: IssueList,
): void {
  const declared = Object.keys(document.params);
  const definition = Object.hasOwn(document.params, name) ? document.params[name] : undefined;
  if (!definition) {
    const hint =
      didYouMean(name, declared) ||
      (declared.length
        ? `; declared: ${declared.join(", ")}`
        : "; the template declares no params");
    list.add(path, `"${name}" is not a declared param (expected ${typeList(types)})${hint}`);
  } else if (!types.includes(definition.type)) {
    list.add(
      path,
      `expected ${typeList(types)}, received "${name}", ${article(definition.type)} ${definition.type} param (params.${name}.type)`,
    );
  }
}

/** Text with placeholders: each names a text param; braces that are no placeholder are a typo. */
function checkText(document: TemplateDocument, text: string, path: Path, list: IssueList): void {
  for (const name of new Set(placeholdersIn(text))) {
    checkParamReference(document, name, ["text"], path, list);
  }
  const rest = text.replace(placeholderPattern, "");
  const stray = /\{\{[^}]{0,40}\}?\}?|\}\}/.exec(rest);
  if (stray) {
    list.add(
      path,
      `expected placeholders as {{name}} (a param name of letters, digits and "_"), received ${describeValue(stray[0])}`,
    );
  }
}

/** A colour field: `{{param}}` must name a param of `types` (literal colours passed the schema). */
function checkColor(
  document: TemplateDocument,
  value: unknown,
  types: readonly ParamType[],
  path: Path,
  list: IssueList,
): void {
  if (typeof value === "string") {
    const name = placeholderName(value);
    if (name !== undefined) checkParamReference(document, name, types, path, list);
    return;
  }
  // A gradient: each stop's colour may be a colour param.
  if (typeof value === "object" && value !== null && "stops" in value) {
    (value.stops as { color: string }[]).forEach((stop, index) =>
      checkColor(document, stop.color, ["color"], [...path, "stops", index, "color"], list),
    );
  }
}

function checkImageSource(document: TemplateDocument, src: string, path: Path, list: IssueList) {
  const name = placeholderName(src);
  if (name !== undefined) {
    checkParamReference(document, name, ["image"], path, list);
    return;
  }
  if (src.includes("{{")) {
    list.add(
      path,
      `expected "{{param}}" naming an image param (the whole value) or an asset name, received ${describeValue(src)}`,
    );
    return;
  }
  const checked = assetName.safeParse(src);
  if (!checked.success) list.add(path, checked.error.issues[0]?.message ?? "invalid asset name");
}

function checkFontFamily(
  document: TemplateDocument,
  family: string,
  path: Path,
  list: IssueList,
): void {
  const known = [...new Set([...document.fonts.map((font) => font.family), ...primaryFontNames])];
  if (known.includes(family)) return;
  list.add(
    path,
    `expected a brand font declared in "fonts" or a shipped family (${known.map((name) => JSON.stringify(name)).join(", ")}), received ${describeValue(family)}${didYouMean(family, known)}`,
  );
}

function checkRange(value: unknown, path: Path, list: IssueList): void {
  if (Array.isArray(value) && Number(value[0]) > Number(value[1])) {
    list.add(
      path,
      `expected [min, max] with min ≤ max, received [${String(value[0])}, ${String(value[1])}]`,
    );
  }
}

function checkNode(document: TemplateDocument, node: TemplateNode, path: Path, list: IssueList) {
  if (node.if !== undefined) {
    checkParamReference(
      document,
      node.if,
      ["text", "image", "color", "background"],
      [...path, "if"],
      list,
    );
  }
  checkColor(document, node.background, ["color", "background"], [...path, "background"], list);
  checkRange(node.tall?.size, [...path, "tall", "size"], list);
  switch (node.type) {
    case "text":
      checkText(document, node.text, [...path, "text"], list);
      checkColor(document, node.color, ["color"], [...path, "color"], list);
      if (node.font?.family !== undefined) {
        checkFontFamily(document, node.font.family, [...path, "font", "family"], list);
      }
      checkRange(node.font?.size, [...path, "font", "size"], list);
      break;
    case "image":
      checkImageSource(document, node.src, [...path, "src"], list);
      break;
    case "shape":
      checkColor(document, node.fill, ["color", "background"], [...path, "fill"], list);
      checkColor(document, node.stroke, ["color"], [...path, "stroke"], list);
      break;
    default:
      break;
  }
}

function checkParams(document: TemplateDocument, list: IssueList): void {
  const names = Object.keys(document.params);
  if (names.length > limits.template.maxParams) {
    list.add(
      ["params"],
      `expected at most ${limits.template.maxParams} params, received ${names.length}`,
    );
  }
  for (const [name, definition] of Object.entries(document.params)) {
    const path = ["params", name];
    if (definition.maxLength !== undefined && definition.type !== "text") {
      list.add(
        [...path, "maxLength"],
        `maxLength applies to text params only; this is ${article(definition.type)} ${definition.type} param`,
      );
    }
    if (definition.default === undefined) continue;
    if (definition.required) {
      list.add(
        [...path, "default"],
        "a required param has no default (a card must give it): remove `default`, or `required` to make it optional",
      );
    }
    const problem = paramValueProblem(definition, definition.default);
    if (problem) list.add([...path, "default"], problem);
  }
  if (document.direction !== undefined) {
    checkParamReference(document, document.direction, ["text"], ["direction"], list);
  }
}

function checkFonts(document: TemplateDocument, list: IssueList): void {
  const seen = new Map<string, number>();
  document.fonts.forEach((font, index) => {
    const checked = assetName.safeParse(font.src);
    if (!checked.success) {
      list.add(["fonts", index, "src"], checked.error.issues[0]?.message ?? "invalid asset name");
    }
    const key = `${font.family}\u0000${font.weight ?? 400}`;
    const first = seen.get(key);
    if (first !== undefined) {
      list.add(
        ["fonts", index],
        `"${font.family}" at weight ${font.weight ?? 400} is already declared by fonts[${first}]; give each file its own weight`,
      );
    } else {
      seen.set(key, index);
    }
  });
}

/** Node counts by type and unique ids; nodes and depth were counted before the schema ran. */
function checkNodeCounts(document: TemplateDocument, list: IssueList): void {
  const nodes = nodesOf(document);
  const count = (type: TemplateNode["type"]) => nodes.filter(({ node }) => node.type === type);
  const bounded = [
    ["text", count("text"), limits.template.maxTextNodes],
    ["image", count("image"), limits.template.maxImageNodes],
  ] as const;
  for (const [type, found, max] of bounded) {
    const extra = found[max];
    if (extra) {
      list.add(
        extra.path,
        `expected at most ${max} ${type} nodes in a template, received ${found.length}`,
      );
    }
  }
  const ids = new Map<string, Path>();
  for (const { node, path } of nodes) {
    if (node.id === undefined) continue;
    const first = ids.get(node.id);
    if (first) {
      list.add([...path, "id"], `id "${node.id}" is already used by ${formatPath(first)}`);
    } else {
      ids.set(node.id, path);
    }
  }
}

/** Every cross-reference and count of a schema-valid template; empty when all hold. */
export function checkReferences(document: TemplateDocument): SpecIssue[] {
  const list = new IssueList();
  checkParams(document, list);
  checkFonts(document, list);
  for (const { node, path } of nodesOf(document)) checkNode(document, node, path, list);
  checkNodeCounts(document, list);
  return list.issues;
}
