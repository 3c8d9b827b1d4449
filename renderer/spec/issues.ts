// Turning zod issues into readable ones (path, what was expected, what was received, "did you mean"), for card specs and templates alike.
import { z } from "zod";
import type { SpecIssue } from "../errors";
import { schemaReferenceField } from "./schema";
import { didYouMean } from "./suggest";

type ZodIssue = z.core.$ZodIssue;
export type AnySchema = z.core.$ZodType;

/** Formats a zod path as `items[3].theme.background`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) =>
      typeof key === "number" ? `[${key}]` : `${index === 0 ? "" : "."}${String(key)}`,
    )
    .join("");
}

export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

export function describeValue(value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return describeType(value);
}

/** A JSON object (not null, not an array): what a spec, a card or a template node must be. */
export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Looks through optional, default, lazy and pipe wrappers to the schema that gives a value its shape. */
function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (;;) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodReadonly ||
      current instanceof z.ZodCatch
    ) {
      current = current.def.innerType;
    } else if (current instanceof z.ZodPipe) {
      current = current.def.in;
    } else if (current instanceof z.ZodLazy) {
      current = current.def.getter();
    } else {
      return current;
    }
  }
}

/** The branches of a union that may describe `value`: for a discriminated union, the one its tag picks. */
function branchesFor(union: z.ZodUnion, value: unknown): readonly AnySchema[] {
  if (!(union instanceof z.ZodDiscriminatedUnion) || !isPlainObject(value))
    return union.def.options;
  const tag = value[union.def.discriminator];
  const picked = union.def.options.filter((option) => {
    const inner = unwrap(option);
    if (!(inner instanceof z.ZodObject)) return false;
    const field = (inner.shape as Record<string, AnySchema>)[union.def.discriminator];
    return field instanceof z.ZodLiteral && field.def.values.includes(tag as never);
  });
  return picked.length ? picked : union.def.options;
}

/**
 * The field names an object at `path` inside `schema` may have (every branch of a union, or the
 * branch a discriminated union's tag picks); `value` is the input at the schema's root.
 */
export function fieldNamesAt(
  schema: AnySchema,
  path: readonly PropertyKey[],
  value?: unknown,
): string[] {
  const current = unwrap(schema);
  if (current instanceof z.ZodUnion) {
    return [
      ...new Set(
        branchesFor(current, value).flatMap((option) => fieldNamesAt(option, path, value)),
      ),
    ];
  }
  const [head, ...rest] = path;
  if (head === undefined) return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
  const child: unknown =
    typeof head === "number" && Array.isArray(value)
      ? (value[head] as unknown)
      : typeof head === "string" && isPlainObject(value)
        ? value[head]
        : undefined;
  if (current instanceof z.ZodObject && typeof head === "string") {
    const shape = current.shape as Record<string, AnySchema>;
    return Object.hasOwn(shape, head) ? fieldNamesAt(shape[head] as AnySchema, rest, child) : [];
  }
  if (current instanceof z.ZodArray && typeof head === "number") {
    return fieldNamesAt(current.def.element, rest, child);
  }
  if (current instanceof z.ZodRecord) return fieldNamesAt(current.def.valueType, rest, child);
  return [];
}

/** Where the issues came from: the schema that was checked, and where its value sits in the file. */
export interface IssueSource {
  schema: AnySchema;
  /** The value that was checked (lets a discriminated union's tag pick the fields suggested). */
  input?: unknown;
  /** Path of the checked value in the user's file (e.g. `items[3]`), put before every issue path. */
  prefix?: readonly PropertyKey[];
  /** Path of these issues' parent inside `schema` (set when descending into a union's branch). */
  within?: readonly PropertyKey[];
  /**
   * A document's own words for an unknown field or value, tried before the generic message
   * (`known`: what is allowed there; `at`: the parent's path inside the schema).
   */
  unknownField?: (
    key: string,
    known: readonly string[],
    at: readonly PropertyKey[],
  ) => string | undefined;
  /** Other names people use for a valid option or field (`justifyContent` → `justify`). */
  aliases?: Readonly<Record<string, string>>;
}

/** `; did you mean "justify"?` from an alias, else from spelling, else nothing. */
export function suggestion(
  input: string,
  known: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): string {
  const alias = Object.hasOwn(aliases, input) ? aliases[input] : undefined;
  if (alias !== undefined && known.includes(alias))
    return `; did you mean ${JSON.stringify(alias)}?`;
  return didYouMean(input, known);
}

function unknownFieldMessage(key: string, known: readonly string[], source: IssueSource): string {
  // Own properties only: a key such as "toString" is in every object.
  if (Object.hasOwn(schemaReferenceField, key)) {
    return `"${key}" belongs at the top of the file (it names the JSON Schema for editors), not here`;
  }
  const hint = suggestion(key, known, source.aliases);
  if (hint) return `unknown field${hint}`;
  const own = source.unknownField?.(key, known, source.within ?? []);
  if (own) return own;
  const listed = known.filter((name) => name !== "$schema");
  return `unknown field (remove it or check its spelling)${listed.length ? `; expected one of ${listed.join(", ")}` : ""}`;
}

/** How big a value was, for a length limit: `301 characters`, `1,001 items`. */
function describeSize(value: unknown): string | undefined {
  const count = (n: number, unit: string) =>
    `${n.toLocaleString("en-US")} ${unit}${n === 1 ? "" : "s"}`;
  // zod's own string limits count UTF-16 units, so the count here does too.
  if (typeof value === "string") return count(value.length, "character");
  if (Array.isArray(value)) return count(value.length, "item");
  return undefined;
}

/** Zod's own messages say what was expected; add what was received where they do not. */
function withReceived(issue: ZodIssue): string {
  if (issue.code === "custom" || issue.message.includes("received") || issue.input === undefined)
    return issue.message;
  const size =
    issue.code === "too_big" || issue.code === "too_small" ? describeSize(issue.input) : undefined;
  return `${issue.message}, received ${size ?? describeValue(issue.input)}`;
}

function unionExpectation(issue: Extract<ZodIssue, { code: "invalid_union" }>): string {
  const expectations = issue.errors.flatMap((branch) =>
    branch.flatMap((inner) => (inner.code === "invalid_type" ? [inner.expected] : [])),
  );
  return expectations.length ? [...new Set(expectations)].join(" or ") : "one of the allowed forms";
}

/** A discriminated union's tag that names no branch: `"type": "txt"` → did you mean "text"? */
function unknownTag(
  issue: Extract<ZodIssue, { code: "invalid_union" }>,
  source: IssueSource,
): string | undefined {
  const options = (issue as { options?: unknown }).options;
  const discriminator = (issue as { discriminator?: unknown }).discriminator;
  if (!Array.isArray(options) || typeof discriminator !== "string") return undefined;
  const names = options.map(String);
  const listed = names.map((name) => JSON.stringify(name)).join(", ");
  const tag = isPlainObject(issue.input) ? issue.input[discriminator] : undefined;
  if (tag === undefined) return `required field is missing (expected one of ${listed})`;
  const hint = typeof tag === "string" ? suggestion(tag, names, source.aliases) : "";
  return `expected one of ${listed}, received ${describeValue(tag)}${hint}`;
}

/** Flattens zod issues into readable ones; union failures report the branch that got furthest. */
export function toSpecIssues(issues: readonly ZodIssue[], source: IssueSource): SpecIssue[] {
  const prefix = source.prefix ?? [];
  const within = source.within ?? [];
  const result: SpecIssue[] = [];
  for (const issue of issues) {
    const inSchema = [...within, ...issue.path];
    const path = [...prefix, ...inSchema];
    if (issue.code === "invalid_union") {
      const tagMessage = unknownTag(issue, source);
      if (tagMessage) {
        result.push({ path: formatPath(path), message: tagMessage });
        continue;
      }
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
        result.push(...toSpecIssues(branches[0], { ...source, within: inSchema }));
      } else {
        result.push({
          path: formatPath(path),
          message: `expected ${unionExpectation(issue)}, received ${describeType(issue.input)}`,
        });
      }
      continue;
    }
    if (issue.code === "unrecognized_keys") {
      const known = fieldNamesAt(source.schema, inSchema, source.input);
      for (const key of issue.keys) {
        result.push({
          path: formatPath([...path, key]),
          message: unknownFieldMessage(key, known, { ...source, within: inSchema }),
        });
      }
      continue;
    }
    if (issue.code === "invalid_value" && issue.values.length > 1) {
      const options = issue.values.map((value) => JSON.stringify(value));
      const received = issue.input;
      result.push({
        path: formatPath(path),
        message:
          `expected one of ${options.join(", ")}, received ${describeValue(received)}` +
          (typeof received === "string"
            ? suggestion(received, issue.values.map(String), source.aliases)
            : ""),
      });
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
