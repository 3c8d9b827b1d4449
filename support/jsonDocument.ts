// Reads a JSON document through a zod schema, with errors naming the document, each wrong field, what was expected and what it held.
// zod is imported for its types only: the schema arrives as a value, so importing this module loads no zod
// (the CLI's --help must not, tests/package/startup.test.ts).
import type { ZodError, ZodType } from "zod";

/** A JSON document that is not JSON, or not of the shape its reader expects. */
export class JsonDocumentError extends Error {
  override name = "JsonDocumentError";
}

/** The value at a zod issue's path in the document, for "received …" in the error. */
function valueAt(document: unknown, keys: readonly PropertyKey[]): unknown {
  let value = document;
  for (const key of keys) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describeIssues(document: unknown, error: ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const field = issue.path.map(String).join(".") || "(document)";
      const received = valueAt(document, issue.path);
      const shown = received === undefined ? "nothing" : JSON.stringify(received).slice(0, 80);
      return `${field}: ${issue.message}, received ${shown}`;
    })
    .join("; ");
}

function validated<T>(document: unknown, schema: ZodType<T>, source: string): T {
  const parsed = schema.safeParse(document);
  if (!parsed.success) {
    throw new JsonDocumentError(
      `${source} is not what was expected: ${describeIssues(document, parsed.error)}`,
    );
  }
  return parsed.data;
}

/**
 * Checks an already parsed document against `schema`, in place: the caller keeps the document
 * itself (its key order, e.g. to write it back), now typed. `source` names it in errors ("the lock
 * file /x/cardpress.lock", "pulumi stack output for stack dev").
 */
export function assertJsonDocument<T>(
  document: unknown,
  schema: ZodType<T>,
  source: string,
): asserts document is T {
  validated(document, schema, source);
}

/** Parses `text` as JSON and validates it with `schema`; errors name `source` (see assertJsonDocument). */
export function parseJsonDocument<T>(text: string, schema: ZodType<T>, source: string): T {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new JsonDocumentError(`${source} is not JSON: ${(error as Error).message}`);
  }
  return validated(document, schema, source);
}
