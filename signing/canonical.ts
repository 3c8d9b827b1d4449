// A card's canonical form for URLs: validated, defaults and no-op fields dropped, keys sorted; the same card always gives the same string.
import { createHash } from "node:crypto";
import {
  canonicalJson,
  type CardSpec,
  effectiveQuality,
  isBuiltinTemplate,
  localTemplatePattern,
  parseCardSpec,
  type SpecIssue,
  SpecValidationError,
} from "../renderer";
import { CardUrlLimitError } from "./errors";
import { urlLimits } from "./limits";

/** A card as a URL carries it. */
export interface CanonicalCard {
  /** The card's fields: validated, defaults dropped, no `id`; JSON values only. */
  fields: Record<string, unknown>;
  /** canonicalJson(fields): what cardKey hashes. */
  json: string;
  /** The validated spec of `fields`: what is rendered for this URL. */
  spec: CardSpec;
}

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

interface Defaults {
  card: JsonObject;
  themeGradientAngle: unknown;
  paramGradientAngle: unknown;
}
const defaults = new Map<"builtin" | "own", Defaults>();

/**
 * The values validation fills in, read from the schema itself so a new default is dropped too. A
 * card of a template of its own has other defaults (no `size`: the template's applies), so each
 * kind of card has its own.
 */
function cardDefaults(kind: "builtin" | "own"): Defaults {
  const known = defaults.get(kind);
  if (known) return known;
  const stops = [{ color: "#000" }, { color: "#fff" }];
  const gradient = { type: "linear", stops };
  const minimal =
    kind === "builtin" ? { title: "x" } : { template: "x", templateVersion: "0".repeat(64) };
  const filled = parseCardSpec({
    ...minimal,
    theme: { background: gradient },
    params: { g: gradient },
  });
  // Only the fields every card of this kind gets without writing them.
  const card: JsonObject = { ...filled };
  for (const written of ["title", "theme", "params", "templateVersion", "template"]) {
    if (written !== "template" || kind === "own") delete card[written];
  }
  const angleOf = (value: unknown) => (isObject(value) ? value.angle : undefined);
  const found: Defaults = {
    card,
    themeGradientAngle: angleOf(filled.theme?.background),
    paramGradientAngle: angleOf(filled.params?.g),
  };
  defaults.set(kind, found);
  return found;
}

/** A linear gradient without its default angle; anything else unchanged. */
function withoutDefaultAngle(value: unknown, defaultAngle: unknown): unknown {
  if (!isObject(value) || value.type !== "linear" || value.angle !== defaultAngle) return value;
  const rest = { ...value };
  delete rest.angle;
  return rest;
}

/** An object's members that are not undefined, each mapped; undefined when none is left. */
function compact(record: JsonObject, map: (value: unknown) => unknown): JsonObject | undefined {
  const entries = Object.entries(record).filter(([, value]) => value !== undefined);
  return entries.length
    ? Object.fromEntries(entries.map(([key, value]) => [key, map(value)]))
    : undefined;
}

/**
 * What a URL's card must say beyond a valid spec: no local template file (the server has no files),
 * and a stored template pinned to its version, so a published card never changes under a page.
 */
export function urlCardIssues(spec: CardSpec): SpecIssue[] {
  const template = spec.template;
  if (isBuiltinTemplate(template)) return [];
  if (localTemplatePattern.test(template)) {
    return [
      {
        path: "template",
        message: `${JSON.stringify(template)} is a local template file, which a URL cannot carry: push it (cardpress templates push) and name it as stored, e.g. "brand/quote", with its templateVersion`,
      },
    ];
  }
  if (spec.templateVersion === undefined) {
    return [
      {
        path: "templateVersion",
        message: `required for the stored template "${template}" in a URL: the template's content hash (printed by cardpress templates push; parseTemplate(document).hash), so the image never changes when the template is pushed again`,
      },
    ];
  }
  return [];
}

/** The fields of a validated card that change its image, without the values validation fills in. */
function significantFields(spec: CardSpec): JsonObject {
  const {
    card: cardDefault,
    themeGradientAngle,
    paramGradientAngle,
  } = cardDefaults(isBuiltinTemplate(spec.template) ? "builtin" : "own");
  const fields: JsonObject = {};
  for (const [name, value] of Object.entries(spec)) {
    if (value === undefined || name === "id") continue;
    if (
      Object.hasOwn(cardDefault, name) &&
      canonicalJson(value) === canonicalJson(cardDefault[name])
    ) {
      continue;
    }
    fields[name] = value;
  }
  // A built-in's version is the code's: the pin names nothing.
  if (isBuiltinTemplate(spec.template)) delete fields.templateVersion;
  // png ignores quality; the other formats' defaults are the quality they get without one.
  if (
    spec.quality !== undefined &&
    effectiveQuality({ format: spec.format }) ===
      effectiveQuality({ format: spec.format, quality: spec.quality })
  ) {
    delete fields.quality;
  }
  const theme =
    spec.theme && compact(spec.theme, (value) => withoutDefaultAngle(value, themeGradientAngle));
  if (theme) fields.theme = theme;
  else delete fields.theme;
  const params =
    spec.params && compact(spec.params, (value) => withoutDefaultAngle(value, paramGradientAngle));
  if (params) fields.params = params;
  else delete fields.params;
  // JSON values only: the renderer's objects may carry undefined members.
  return JSON.parse(canonicalJson(fields)) as JsonObject;
}

/**
 * Validates a card (parseCardSpec, then urlCardIssues) and gives its canonical form. Throws
 * SpecValidationError naming each field at fault, CardUrlLimitError for a card over
 * urlLimits.maxCardJsonBytes.
 */
export function canonicalCard(input: unknown): CanonicalCard {
  const validated = parseCardSpec(input);
  const issues = urlCardIssues(validated);
  if (issues.length) throw new SpecValidationError(issues);
  const fields = significantFields(validated);
  const json = canonicalJson(fields);
  const bytes = Buffer.byteLength(json, "utf8");
  if (bytes > urlLimits.maxCardJsonBytes) {
    throw new CardUrlLimitError(
      "cardBytes",
      urlLimits.maxCardJsonBytes,
      `the card's canonical JSON is ${bytes.toLocaleString("en-US")} bytes, over the ${urlLimits.maxCardJsonBytes.toLocaleString("en-US")} a card URL may carry`,
    );
  }
  return { fields, json, spec: parseCardSpec(fields) };
}

/** The card's storage key: SHA-256 hex of its canonical JSON. Same card, same key, whatever URL or key signed it. */
export function cardKey(canonical: string): string {
  return createHash("sha256").update(canonical, "utf8").digest("hex");
}
