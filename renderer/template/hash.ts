// A template's content hash: SHA-256 of its canonical JSON, the same on every machine for the same template.
import { createHash } from "node:crypto";

/** JSON with every object's keys sorted and `undefined` members dropped, no whitespace. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? "null" : canonicalJson(item))).join(",")}]`;
  }
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .sort()
      .filter((key) => record[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    return `{${members.join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * SHA-256 hex of a validated template document's canonical JSON, without `$schema` (it only tells
 * editors where the schema is). Key order and whitespace in the file do not change it.
 */
export function templateHash(document: object): string {
  const rest: Record<string, unknown> = { ...document };
  delete rest.$schema;
  return createHash("sha256").update(canonicalJson(rest)).digest("hex");
}
