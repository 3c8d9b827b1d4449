// A card's params resolved against its template: the card's values over each param's default.
import { SpecValidationError } from "../errors";
import type { TemplateParams } from "../spec/schema";
import type { ParamDefinition, TemplateDocument } from "./schema";

/** One param's value: a string (text, asset name, colour) or a gradient (background params). */
export type ParamValue = TemplateParams[string];

/** Every declared param that has a value (from the card or its default), by name. */
export type ResolvedParams = ReadonlyMap<string, ParamValue>;

/** True when a value counts as given: `if` shows a node for it, `required` is satisfied by it. */
export function isGiven(value: ParamValue | undefined): value is ParamValue {
  return value !== undefined && (typeof value !== "string" || value.length > 0);
}

function describeType(definition: ParamDefinition): string {
  switch (definition.type) {
    case "image":
      return "an asset name";
    case "color":
      return "a colour";
    case "background":
      return "a colour or a gradient";
    default:
      return "a text";
  }
}

/**
 * The card's params over the template's defaults. A required param without a value (or with an
 * empty one) fails the card with an issue at `params.<name>`. Checking each value against its
 * param's type and length is the validator's part (renderer/template/validate.ts extends this).
 */
export function resolveParams(
  document: TemplateDocument,
  given: TemplateParams | undefined,
): ResolvedParams {
  const resolved = new Map<string, ParamValue>();
  const issues = [];
  for (const [name, definition] of Object.entries(document.params)) {
    const value = given && Object.hasOwn(given, name) ? given[name] : definition.default;
    if (value !== undefined) resolved.set(name, value);
    if (definition.required && !isGiven(value)) {
      issues.push({
        path: `params.${name}`,
        message: `template "${document.name}" requires this param: expected ${describeType(definition)}, received ${value === undefined ? "nothing" : '""'}`,
      });
    }
  }
  if (issues.length) throw new SpecValidationError(issues);
  return resolved;
}

/** The string value of a param (a gradient has none), or undefined when it has no value. */
export function stringParam(params: ResolvedParams, name: string): string | undefined {
  const value = params.get(name);
  return typeof value === "string" ? value : undefined;
}
