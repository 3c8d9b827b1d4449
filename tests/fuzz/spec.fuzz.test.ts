// Fuzzing the validator: thousands of random and hostile specs and batches are accepted or rejected with named fields.
import fc from "fast-check";
import { SpecValidationError } from "../../renderer/errors";
import { cardSpecSchema } from "../../renderer/spec/schema";
import { parseBatchFile, parseCardSpec } from "../../renderer/spec/validate";
import { hostileSpec } from "./arbitraries";

const cardFields = new Set(Object.keys(cardSpecSchema.shape));

/** Each issue names a card field (or the root, when the input is not an object at all). */
function expectNamedFields(error: unknown, input: unknown, prefix = ""): void {
  expect(error).toBeInstanceOf(SpecValidationError);
  const issues = (error as SpecValidationError).issues;
  expect(issues.length).toBeGreaterThan(0);
  for (const issue of issues) {
    expect(issue.message.length).toBeGreaterThan(5);
    const isObject = typeof input === "object" && input !== null && !Array.isArray(input);
    if (!isObject) continue;
    const field = issue.path.slice(prefix.length).split(/[.[]/)[0] ?? "";
    // Unknown fields are named as themselves; everything else is a field of the schema.
    if (!cardFields.has(field)) expect(issue.message).toMatch(/unknown field/);
  }
}

describe("validator fuzzing", () => {
  it("accepts or rejects 5,000 hostile specs with named fields, never crashing", () => {
    fc.assert(
      fc.property(hostileSpec, (input) => {
        try {
          const spec = parseCardSpec(input);
          expect(typeof spec.title).toBe("string");
        } catch (error) {
          expectNamedFields(error, input);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it("rejects anything that is not a spec object with a root error", () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        try {
          parseCardSpec(input);
        } catch (error) {
          expectNamedFields(error, input);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("validates batches item by item, with items[i] paths", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(hostileSpec, fc.anything()), { minLength: 1, maxLength: 30 }),
        (items) => {
          const batch = parseBatchFile({ items });
          expect(batch.items).toHaveLength(items.length);
          batch.items.forEach((item, index) => {
            if (item.error)
              for (const issue of item.error.issues)
                expect(issue.path.startsWith(`items[${index}]`)).toBe(true);
            else expect(item.spec).toBeDefined();
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("rejects an oversized batch as a whole, quickly", () => {
    const items = Array.from({ length: 100_000 }, (_, index) => ({ id: `c${index}`, title: "t" }));
    const started = performance.now();
    expect(() => parseBatchFile({ items })).toThrow(/items: Too big/);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
