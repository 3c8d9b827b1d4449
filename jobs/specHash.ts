// A stable hash of a card spec: equal specs give equal hashes whatever their key order.
import { createHash } from "node:crypto";

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** SHA-256 (hex, first 32 chars) of the spec's canonical JSON; stored as blob metadata. */
export function specHash(spec: unknown): string {
  return createHash("sha256")
    .update(JSON.stringify(canonical(spec)))
    .digest("hex")
    .slice(0, 32);
}
