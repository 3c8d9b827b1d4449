// Validating card specs and batch files: zod issues become field-path errors; batch items fail one by one.
import type { z } from "zod";
import { SpecValidationError, type SpecIssue } from "../errors";
import { batchFileSchema, batchItemSchema, cardId, cardSpecSchema, type CardSpec } from "./schema";

type ZodIssue = z.core.$ZodIssue;

/** Formats a zod path as `items[3].theme.background`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) =>
      typeof key === "number" ? `[${key}]` : `${index === 0 ? "" : "."}${String(key)}`,
    )
    .join("");
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** Flattens zod issues into readable ones; union failures report the branch that got furthest. */
export function toSpecIssues(
  issues: readonly ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): SpecIssue[] {
  const result: SpecIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === "invalid_union") {
      // A branch that failed only on the value's type was the wrong branch: report the others.
      const branches = issue.errors.filter(
        (branch) =>
          !(
            branch.length === 1 &&
            branch[0]?.code === "invalid_type" &&
            branch[0].path.length === 0
          ),
      );
      if (branches.length === 1 && branches[0]) {
        result.push(...toSpecIssues(branches[0], path));
      } else {
        result.push({
          path: formatPath(path),
          message: `expected ${unionExpectation(issue)}, received ${describeType(issue.input)}`,
        });
      }
      continue;
    }
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        result.push({
          path: formatPath([...path, key]),
          message: "unknown field (remove it or check its spelling)",
        });
      }
      continue;
    }
    if (issue.code === "invalid_type" && issue.input === undefined) {
      result.push({
        path: formatPath(path),
        message: `required field is missing (expected ${issue.expected})`,
      });
      continue;
    }
    result.push({ path: formatPath(path), message: withReceived(issue) });
  }
  return result;
}

/** Zod's own messages say what was expected; add what was received where they do not. */
function withReceived(issue: ZodIssue): string {
  if (issue.code === "custom" || issue.message.includes("received") || issue.input === undefined)
    return issue.message;
  const value = issue.input;
  const shown =
    typeof value === "number" || typeof value === "boolean"
      ? String(value)
      : typeof value === "string"
        ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
        : describeType(value);
  return `${issue.message}, received ${shown}`;
}

function unionExpectation(issue: Extract<ZodIssue, { code: "invalid_union" }>): string {
  const expectations = issue.errors.flatMap((branch) =>
    branch.flatMap((inner) => (inner.code === "invalid_type" ? [inner.expected] : [])),
  );
  return expectations.length ? [...new Set(expectations)].join(" or ") : "one of the allowed forms";
}

/** Validates one complete card spec; throws SpecValidationError naming every bad field. */
export function parseCardSpec(input: unknown, prefix: readonly PropertyKey[] = []): CardSpec {
  const parsed = cardSpecSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) throw new SpecValidationError(toSpecIssues(parsed.error.issues, prefix));
  return parsed.data;
}

export interface BatchItemResult {
  index: number;
  /** The item's id when it had a readable one, else `item-<index>`. */
  id: string;
  spec?: CardSpec;
  error?: SpecValidationError;
}

export interface ParsedBatch {
  items: BatchItemResult[];
  metadata: Record<string, string>;
  ttlHours?: number;
}

type PlainObject = Record<string, unknown>;
const isPlainObject = (value: unknown): value is PlainObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Item fields over defaults; `theme` merges field by field so an item can change one colour. */
export function mergeOverDefaults(defaults: PlainObject, item: PlainObject): PlainObject {
  const merged: PlainObject = { ...defaults, ...item };
  if (isPlainObject(defaults.theme) && isPlainObject(item.theme)) {
    merged.theme = { ...defaults.theme, ...item.theme };
  }
  return merged;
}

/**
 * Validates a batch file. Problems with the file as a whole throw; each item is validated on its
 * own so that valid items still render when others are invalid.
 */
export function parseBatchFile(input: unknown): ParsedBatch {
  const parsed = batchFileSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) throw new SpecValidationError(toSpecIssues(parsed.error.issues));
  const defaults: PlainObject =
    isPlainObject(input) && isPlainObject(input.defaults) ? input.defaults : {};
  const firstIndexOfId = new Map<string, number>();
  const items = parsed.data.items.map((raw, index): BatchItemResult => {
    const fallbackId = `item-${index}`;
    const path = ["items", index];
    if (!isPlainObject(raw)) {
      const error = new SpecValidationError([
        { path: formatPath(path), message: `expected an object, received ${describeType(raw)}` },
      ]);
      return { index, id: fallbackId, error };
    }
    const itemCheck = batchItemSchema.safeParse(raw, { reportInput: true });
    const id = cardId.safeParse(raw.id).success ? (raw.id as string) : fallbackId;
    const issues = itemCheck.success ? [] : toSpecIssues(itemCheck.error.issues, path);
    if (itemCheck.success) {
      const first = firstIndexOfId.get(id);
      if (first !== undefined) {
        issues.push({
          path: formatPath([...path, "id"]),
          message: `duplicate id "${id}" (first used by items[${first}])`,
        });
      } else {
        firstIndexOfId.set(id, index);
      }
    }
    if (issues.length) return { index, id, error: new SpecValidationError(issues) };
    try {
      return { index, id, spec: parseCardSpec(mergeOverDefaults(defaults, raw), path) };
    } catch (error) {
      if (error instanceof SpecValidationError) return { index, id, error };
      throw error;
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
  return isPlainObject(input) && "items" in input;
}
