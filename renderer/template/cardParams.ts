// Checking a card's params against its template: unknown names, missing required ones, and each value against its param's type.
import { SpecValidationError, type SpecIssue } from "../errors";
import { limits } from "../limits";
import { colorExpectation, colorSuggestion, parseColor } from "../spec/colors";
import { describeMs, estimateRenderMs, estimateTemplateContentMs, outputSize } from "../spec/cost";
import { withTemplateSize } from "../spec/sizes";
import { formatPath, describeValue } from "../spec/issues";
import { assetName, controlCharacter, type CardSpec } from "../spec/schema";
import { didYouMean } from "../spec/suggest";
import { isGiven, type ParamValue } from "./params";
import type { ParamDefinition, TemplateDocument } from "./schema";
import type { ParsedTemplate } from "./types";

const codePoints = (text: string): number => [...text].length;

const expectedFor: Record<ParamDefinition["type"], string> = {
  text: "text",
  image: 'an asset name such as "people/ada.jpg"',
  color: colorExpectation,
  background: `${colorExpectation}, or a linear gradient { "type": "linear", "stops": [ … ] }`,
};

/** Why `value` does not fit `definition`, or undefined when it does (used for defaults and card values). */
export function paramValueProblem(
  definition: ParamDefinition,
  value: ParamValue,
): string | undefined {
  const expected = expectedFor[definition.type];
  if (typeof value !== "string") {
    if (definition.type !== "background") {
      return `expected ${expected} for ${definition.type === "image" ? "an" : "a"} ${definition.type} param, received a gradient (only background params take one)`;
    }
    const bad = value.stops.find((stop) => parseColor(stop.color) === undefined);
    return bad
      ? `expected gradient stops with colours (${colorExpectation}), received ${describeValue(bad.color)}`
      : undefined;
  }
  switch (definition.type) {
    case "text": {
      const max = definition.maxLength ?? limits.template.maxParamLength;
      if (controlCharacter.test(value))
        return "must not contain control characters (only tab and newline are allowed)";
      const length = codePoints(value);
      return length > max
        ? `expected at most ${max.toLocaleString("en-US")} characters${definition.maxLength !== undefined ? " (the param's maxLength)" : ""}, received ${length.toLocaleString("en-US")}`
        : undefined;
    }
    case "image": {
      const checked = assetName.safeParse(value);
      return checked.success ? undefined : (checked.error.issues[0]?.message ?? "invalid");
    }
    case "color":
    case "background":
      return parseColor(value) === undefined
        ? `expected ${expected}, received ${describeValue(value)}${colorSuggestion(value)}`
        : undefined;
  }
}

const documentOf = (template: ParsedTemplate | TemplateDocument): TemplateDocument =>
  "document" in template ? template.document : template;

/**
 * The card's params against its template's: names it does not declare (with "did you mean"),
 * required ones not given, values that do not fit their type or maxLength, and the card's cost
 * with this template (pixels + content) against limits.maxCardRenderMs. Paths are `params.quote`
 * after `prefix` (`["items", 3]` in a batch → `items[3].params.quote`).
 */
export function checkCardParams(
  template: ParsedTemplate | TemplateDocument,
  spec: CardSpec,
  prefix: readonly PropertyKey[] = [],
): SpecIssue[] {
  const document = documentOf(template);
  const given = spec.params ?? {};
  const declared = Object.keys(document.params);
  const issues: SpecIssue[] = [];
  const at = (...path: PropertyKey[]) => formatPath([...prefix, "params", ...path]);
  for (const [name, value] of Object.entries(given)) {
    const definition = Object.hasOwn(document.params, name) ? document.params[name] : undefined;
    if (!definition) {
      issues.push({
        path: at(name),
        message: `template "${document.name}" has no param "${name}"${didYouMean(name, declared) || (declared.length ? `; its params are ${declared.join(", ")}` : "; it declares no params")}`,
      });
      continue;
    }
    // An empty string is "not given": an optional param falls back to its default or is omitted.
    if (value === "") continue;
    const problem = paramValueProblem(definition, value);
    if (problem) issues.push({ path: at(name), message: problem });
  }
  for (const [name, definition] of Object.entries(document.params)) {
    const value = Object.hasOwn(given, name) ? given[name] : undefined;
    if (definition.required && !isGiven(value)) {
      issues.push({
        path: at(name),
        message: `template "${document.name}" requires this param: expected ${expectedFor[definition.type]}, received ${value === undefined ? "nothing" : '""'}`,
      });
    }
  }
  if (issues.length) return issues;
  const over = cardCostIssue(document, spec);
  return over ? [{ ...over, path: formatPath([...prefix, over.path]) }] : [];
}

/** The card's pixel cost plus this template's content cost with the card's own params. */
function cardCostIssue(document: TemplateDocument, card: CardSpec): SpecIssue | undefined {
  const spec = withTemplateSize(card, document.size);
  const sizeIssue = card.size === undefined ? templateOutputSizeIssue(document, spec) : undefined;
  if (sizeIssue) return sizeIssue;
  const pixelMs = estimateRenderMs(spec);
  const content = estimateTemplateContentMs(document, { spec, params: spec.params ?? {} });
  const total = pixelMs + content.ms;
  if (total <= limits.maxCardRenderMs) return undefined;
  const top = content.parts[0];
  return {
    path: top?.param !== undefined ? `params.${top.param}` : "size",
    message: `this card with template "${document.name}" is estimated at ${describeMs(total)} of rendering (${describeMs(pixelMs)} for its size and format, ${describeMs(content.ms)} for the template's content${top ? `, most of it ${top.what}` : ""}), over the per-card limit of ${describeMs(limits.maxCardRenderMs).slice(1)}; shorten the text or choose a smaller size or a cheaper format`,
  };
}

/**
 * A card without a size takes its template's, which the card schema could not check: the same
 * output bounds, named on the card's `size` (or `scale`).
 */
function templateOutputSizeIssue(
  document: TemplateDocument,
  spec: CardSpec,
): SpecIssue | undefined {
  const { width, height } = outputSize(spec);
  if (
    width <= limits.maxOutputSide &&
    height <= limits.maxOutputSide &&
    width * height <= limits.maxOutputPixels
  ) {
    return undefined;
  }
  return {
    path: spec.scale > limits.minScale ? "scale" : "size",
    message: `output ${width}×${height} (template "${document.name}"'s size at scale ${spec.scale}) exceeds the limits of ${limits.maxOutputSide.toLocaleString("en-US")} px a side and ${limits.maxOutputPixels.toLocaleString("en-US")} px; give the card a smaller size or scale`,
  };
}

/** checkCardParams that throws: a SpecValidationError (a permanent card error) naming every issue. */
export function assertCardParams(
  template: ParsedTemplate | TemplateDocument,
  spec: CardSpec,
  prefix: readonly PropertyKey[] = [],
): void {
  const issues = checkCardParams(template, spec, prefix);
  if (issues.length) throw new SpecValidationError(issues);
}
