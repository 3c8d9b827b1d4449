// Validating card specs and batch files: zod issues become field-path errors; batch items fail one by one.
import { SpecValidationError, type SpecIssue } from "../errors";
import { limits } from "../limits";
import { adviseWithin, describeMs, effectiveQuality, estimateRenderMs, outputSize } from "./cost";
import {
  batchFileSchema,
  batchItemSchema,
  cardId,
  cardSpecSchema,
  isBuiltinTemplate,
  ownTemplateCardSpecSchema,
  schemaReferenceField,
  type CardSpec,
} from "./schema";
import { describeType, formatPath, isPlainObject, toSpecIssues } from "./issues";
import { nearestName } from "./suggest";

export { formatPath } from "./issues";

const cardFieldNames = Object.keys(cardSpecSchema.shape).filter((name) => name !== "$schema");
const batchOnlyFieldNames = Object.keys(batchFileSchema.shape).filter(
  (name) => !Object.hasOwn(schemaReferenceField, name),
);

/** A card field at the top of a batch file: say where card fields go. */
function batchTopLevelField(key: string, _known: readonly string[], at: readonly PropertyKey[]) {
  return !at.length && cardFieldNames.includes(key)
    ? `unknown field at the top of a batch file: card fields go in "defaults" (for every item) or in each item of "items"`
    : undefined;
}

/** A card whose `template` is a string naming no built-in: its params carry the text, `title` is optional. */
function namesOwnTemplate(input: unknown): boolean {
  return (
    isPlainObject(input) && typeof input.template === "string" && !isBuiltinTemplate(input.template)
  );
}

/** Validates one complete card spec; throws SpecValidationError naming every bad field. */
export function parseCardSpec(input: unknown, prefix: readonly PropertyKey[] = []): CardSpec {
  const schema = namesOwnTemplate(input) ? ownTemplateCardSpecSchema : cardSpecSchema;
  const parsed = schema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    throw new SpecValidationError(toSpecIssues(parsed.error.issues, { schema, input, prefix }));
  }
  // `$schema` only tells editors where the schema is: it must not reach the renderer or the hash.
  const spec: CardSpec & { $schema?: string } = { ...parsed.data };
  delete spec.$schema;
  const overBudget = costIssue(spec, input);
  if (overBudget) {
    throw new SpecValidationError([
      { ...overBudget, path: formatPath([...prefix, overBudget.path]) },
    ]);
  }
  return spec;
}

const orList = (words: readonly string[]): string =>
  words.length > 1 ? `${words.slice(0, -1).join(", ")} or ${words.at(-1)}` : words.join("");

/**
 * A card whose estimated render time (renderer/spec/cost.ts) is over limits.maxCardRenderMs: one
 * issue on the field whose change helps most — a quality the author set, then scale, then format,
 * else size — whose message names all four, what they cost and what would fit.
 */
function costIssue(spec: CardSpec, input: unknown): SpecIssue | undefined {
  const estimate = estimateRenderMs(spec);
  if (estimate <= limits.maxCardRenderMs) return undefined;
  const advice = adviseWithin(spec, limits.maxCardRenderMs);
  const { width, height } = outputSize(spec);
  const quality = effectiveQuality(spec);
  const qualityGiven = isPlainObject(input) && input.quality !== undefined;
  const size = spec.size ?? "og";
  const sizeText =
    typeof size === "string" ? `size "${size}"` : `size ${size.width}×${size.height}`;
  const output = spec.scale === 1 ? "" : ` (output ${width}×${height})`;
  const received =
    `${sizeText} at scale ${spec.scale}${output} as ${spec.format}` +
    (quality === undefined ? "" : ` at quality ${quality}${qualityGiven ? "" : " (its default)"}`);
  const fixes = [
    ...(advice.quality !== undefined && qualityGiven ? [`quality ${advice.quality} or lower`] : []),
    ...(advice.scale !== undefined ? [`scale ${advice.scale} or lower`] : []),
    ...(advice.formats.length ? [`format ${orList(advice.formats)}`] : []),
    "a smaller size",
  ];
  const field =
    advice.quality !== undefined && qualityGiven
      ? "quality"
      : advice.scale !== undefined
        ? "scale"
        : advice.formats.length
          ? "format"
          : "size";
  return {
    path: field,
    message: `${received} is estimated at ${describeMs(estimate)} of rendering, over the per-card limit of ${describeMs(limits.maxCardRenderMs).slice(1)}; it fits with ${fixes.join("; or ")}`,
  };
}

export interface BatchItemResult {
  index: number;
  /** The item's id when it had a readable one, else `items[<index>]` (fallbackItemId). */
  id: string;
  spec?: CardSpec;
  error?: SpecValidationError;
}

export interface ParsedBatch {
  items: BatchItemResult[];
  metadata: Record<string, string>;
  ttlHours?: number;
}

export interface ParseBatchOptions {
  /** Id of a lone card given instead of a batch when it has no `id` of its own (default `card`). */
  singleCardId?: string;
}

type PlainObject = Record<string, unknown>;

/** Item fields over defaults; `theme` merges field by field so an item can change one colour. */
function mergeOverDefaults(defaults: PlainObject, item: PlainObject): PlainObject {
  const merged: PlainObject = { ...defaults, ...item };
  if (isPlainObject(defaults.theme) && isPlainObject(item.theme)) {
    merged.theme = { ...defaults.theme, ...item.theme };
  }
  return merged;
}

/**
 * An issue about a field the item inherited from `defaults` says so; an output-size issue blamed
 * on an inherited `scale` moves to the item's own `size`, the field the item's author wrote.
 */
function blameOwnFields(
  issues: readonly SpecIssue[],
  itemPath: string,
  item: PlainObject,
  defaults: PlainObject,
): SpecIssue[] {
  return issues.map((issue) => {
    const field = /^[^.[]+/.exec(issue.path.slice(itemPath.length + 1))?.[0];
    if (
      !field ||
      !issue.path.startsWith(`${itemPath}.`) ||
      Object.hasOwn(item, field) ||
      !Object.hasOwn(defaults, field)
    )
      return issue;
    const inherited = `${field} ${JSON.stringify(defaults[field])} comes from defaults`;
    if (field === "scale" && Object.hasOwn(item, "size")) {
      return { path: `${itemPath}.size`, message: `${issue.message} (${inherited})` };
    }
    return { ...issue, message: `${issue.message} (${inherited})` };
  });
}

/**
 * A lone card where a batch was expected: a plain object with no batch field (`items`,
 * `defaults`, `metadata`, `ttlHours`) and no misspelling of one (`item`, `default`).
 */
function isLoneCard(input: PlainObject): boolean {
  return Object.keys(input).every(
    (key) =>
      !batchOnlyFieldNames.includes(key) &&
      (cardFieldNames.includes(key) || nearestName(key, batchOnlyFieldNames) === undefined),
  );
}

/** A lone card as a batch of one; its issues keep the card's own paths (`title`, not `items[0].title`). */
function parseLoneCard(card: PlainObject, fallbackId: string): ParsedBatch {
  const ownId = cardId.safeParse(card.id).success ? (card.id as string) : undefined;
  const id = ownId ?? fallbackId;
  try {
    return {
      items: [
        { index: 0, id, spec: parseCardSpec(Object.hasOwn(card, "id") ? card : { ...card, id }) },
      ],
      metadata: {},
    };
  } catch (error) {
    if (error instanceof SpecValidationError)
      return { items: [{ index: 0, id, error }], metadata: {} };
    throw error;
  }
}

/** Batch-level mistakes that deserve one sentence rather than a list of unknown fields. */
function shapeMistake(input: unknown): SpecIssue | undefined {
  if (Array.isArray(input)) {
    return {
      path: "",
      message: `expected a batch file object { "items": [ … ] }, received an array; put the array in "items"`,
    };
  }
  if (!isPlainObject(input) || Object.hasOwn(input, "items")) return undefined;
  const cardFields = Object.keys(input).filter((key) => cardFieldNames.includes(key));
  const batchFields = Object.keys(input).filter((key) => batchOnlyFieldNames.includes(key));
  if (!cardFields.length || !batchFields.length) return undefined;
  return {
    path: "",
    message: `this is a card, not a batch: wrap it in "items" ({ "items": [ { …card… } ] }); it has card fields (${cardFields.join(", ")}) and batch fields (${batchFields.join(", ")}) but no "items"`,
  };
}

/** An item's own id when it is one the schema accepts. */
function readableId(item: PlainObject): string | undefined {
  return cardId.safeParse(item.id).success ? (item.id as string) : undefined;
}

/**
 * The id reported for an item without a readable one: `items[3]`, its path in the file. Real ids
 * start with a letter or digit and hold no brackets, so a fallback can never equal one (an
 * `item-3` fallback could, and then two items shared an id). Such an item is never rendered, so
 * its id names no file.
 */
export function fallbackItemId(index: number): string {
  return `items[${index}]`;
}

/**
 * Every readable id used by more than one item, with all their indices: computed over the whole
 * list first, so whether an item is a duplicate does not depend on the order of items or on
 * whether the other items are valid.
 */
function itemsSharingIds(items: readonly unknown[]): Map<string, number[]> {
  const indicesById = new Map<string, number[]>();
  items.forEach((item, index) => {
    const id = isPlainObject(item) ? readableId(item) : undefined;
    if (id === undefined) return;
    const indices = indicesById.get(id);
    if (indices) indices.push(index);
    else indicesById.set(id, [index]);
  });
  for (const [id, indices] of indicesById) if (indices.length < 2) indicesById.delete(id);
  return indicesById;
}

/**
 * Validates a batch file. Problems with the file as a whole throw; each item is validated on its
 * own so that valid items still render when others are invalid. A lone card (what `render` and
 * `POST /api/render` take) is accepted as a batch of one.
 */
export function parseBatchFile(input: unknown, options: ParseBatchOptions = {}): ParsedBatch {
  if (isPlainObject(input) && isLoneCard(input)) {
    return parseLoneCard(input, options.singleCardId ?? "card");
  }
  const mistake = shapeMistake(input);
  if (mistake) throw new SpecValidationError([mistake], "batch file");
  const parsed = batchFileSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    throw new SpecValidationError(
      toSpecIssues(parsed.error.issues, {
        schema: batchFileSchema,
        input,
        unknownField: batchTopLevelField,
      }),
      "batch file",
    );
  }
  const defaults: PlainObject =
    isPlainObject(input) && isPlainObject(input.defaults) ? input.defaults : {};
  const sharers = itemsSharingIds(parsed.data.items);
  const items = parsed.data.items.map((raw, index): BatchItemResult => {
    const fallbackId = fallbackItemId(index);
    const path = ["items", index];
    if (!isPlainObject(raw)) {
      const error = new SpecValidationError([
        { path: formatPath(path), message: `expected an object, received ${describeType(raw)}` },
      ]);
      return { index, id: fallbackId, error };
    }
    const itemCheck = batchItemSchema.safeParse(raw, { reportInput: true });
    const id = readableId(raw) ?? fallbackId;
    const issues = itemCheck.success
      ? []
      : toSpecIssues(itemCheck.error.issues, { schema: batchItemSchema, input: raw, prefix: path });
    const others = (sharers.get(id) ?? []).filter((other) => other !== index);
    if (others.length) {
      issues.push({
        path: formatPath([...path, "id"]),
        message: `duplicate id "${id}": also used by ${others.map((other) => `items[${other}]`).join(", ")}; an id names the card's output file, so no item with a shared id is rendered`,
      });
    }
    if (issues.length) return { index, id, error: new SpecValidationError(issues) };
    try {
      return { index, id, spec: parseCardSpec(mergeOverDefaults(defaults, raw), path) };
    } catch (error) {
      if (!(error instanceof SpecValidationError)) throw error;
      const blamed = blameOwnFields(error.issues, formatPath(path), raw, defaults);
      return { index, id, error: new SpecValidationError(blamed) };
    }
  });
  return {
    items,
    metadata: parsed.data.metadata ?? {},
    ...(parsed.data.ttlHours !== undefined ? { ttlHours: parsed.data.ttlHours } : {}),
  };
}

/** A batch file has `items`; anything else is treated as a single card spec. */
export function isBatchFile(input: unknown): boolean {
  return isPlainObject(input) && Object.hasOwn(input, "items");
}
