// Every free-text field of the card schema is declared once and seen by everything that enumerates text fields.
import { z } from "zod";
import { worstCaseCard } from "../../bench/worstCaseCards";
import { limits } from "../../renderer/limits";
import { cardDefaultsSchema, textFieldNames } from "../../renderer/spec/schema";
import { parseCardSpec } from "../../renderer/spec/validate";
import { drawnText, fontRegistrationText } from "../../renderer/templates";

/**
 * The schema's free-text fields, found from the schema itself rather than from the declaration:
 * top-level strings with no pattern or enum (ids and asset names have a pattern, names an enum).
 */
function freeTextFieldsOfSchema(): string[] {
  const json = z.toJSONSchema(cardDefaultsSchema, { io: "input", unrepresentable: "any" });
  const properties = json.properties as Record<string, Record<string, unknown>>;
  return Object.entries(properties)
    .filter(([, property]) => property.type === "string" && !property.pattern && !property.enum)
    .map(([name]) => name);
}

describe("text fields", () => {
  const schemaFields = freeTextFieldsOfSchema();

  test("the declaration lists exactly the schema's free-text fields, each with a length limit", () => {
    expect(schemaFields).toContain("title"); // the search above finds text fields at all
    expect([...textFieldNames].sort()).toEqual([...schemaFields].sort());
    expect(Object.keys(limits.text).sort()).toEqual([...schemaFields].sort());
  });

  test("font registration covers every text field, as drawn", () => {
    const spec = parseCardSpec(
      Object.fromEntries(schemaFields.map((field) => [field, `marker ${field} ß`])),
    );
    const registered = fontRegistrationText(spec);
    for (const field of schemaFields) {
      expect(registered).toContain(drawnText(spec, field as (typeof textFieldNames)[number]));
    }
    // The eyebrow is drawn in capitals, so its capitals are what fonts are registered for.
    expect(registered).toContain("MARKER EYEBROW SS");
  });

  test("the worst-case card fills every text field to its limit", () => {
    const card = worstCaseCard("latin");
    for (const field of schemaFields) {
      expect([...String(card[field])]).toHaveLength(limits.text[field as keyof typeof limits.text]);
    }
  });
});
