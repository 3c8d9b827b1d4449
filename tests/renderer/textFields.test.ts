// Every free-text field of the card schema is declared once and seen by everything that enumerates text fields.
import { z } from "zod";
import { worstCaseCard } from "../../bench/worstCaseCards";
import { limits } from "../../renderer/limits";
import { builtinTemplate } from "../../renderer/builtins";
import {
  cardDefaultsSchema,
  templateNames,
  textFieldNames,
  type CardSpec,
  type TemplateName,
} from "../../renderer/spec/schema";
import { parseCardSpec } from "../../renderer/spec/validate";

/**
 * The schema's free-text fields, found from the schema itself rather than from the declaration:
 * top-level strings with no pattern or enum (ids and asset names have a pattern, names an enum).
 */
function freeTextFieldsOfSchema(): string[] {
  const json = z.toJSONSchema(cardDefaultsSchema, { io: "input", unrepresentable: "any" });
  const properties = json.properties as Record<string, Record<string, unknown>>;
  return (
    Object.entries(properties)
      .filter(([, property]) => property.type === "string" && !property.pattern && !property.enum)
      // A template reference (a built-in, a stored name or a local file) is checked in code, not by
      // a pattern, and is never drawn.
      .filter(([name]) => name !== "template")
      .map(([name]) => name)
  );
}

describe("text fields", () => {
  const schemaFields = freeTextFieldsOfSchema();

  test("the declaration lists exactly the schema's free-text fields, each with a length limit", () => {
    expect(schemaFields).toContain("title"); // the search above finds text fields at all
    expect([...textFieldNames].sort()).toEqual([...schemaFields].sort());
    expect(Object.keys(limits.text).sort()).toEqual([...schemaFields].sort());
  });

  test.each(templateNames)(
    "the %s built-in declares and draws a param for every text field, filled from the card",
    (name) => {
      const spec = parseCardSpec({
        template: name,
        ...Object.fromEntries(schemaFields.map((field) => [field, `marker ${field} ß`])),
      }) as CardSpec & { template: TemplateName };
      const { spec: mapped, template } = builtinTemplate(spec);
      const drawn = JSON.stringify(template.document.root);
      for (const field of schemaFields) {
        expect(template.document.params).toHaveProperty(field);
        expect(mapped.params?.[field]).toBe(`marker ${field} ß`);
        // Drawn: the field itself, or the footer row's byline built from it.
        expect(drawn.includes(`{{${field}}}`) || drawn.includes("{{byline}}")).toBe(true);
      }
    },
  );

  test("the worst-case card fills every text field to its limit", () => {
    const card = worstCaseCard("latin");
    for (const field of schemaFields) {
      expect([...String(card[field])]).toHaveLength(limits.text[field as keyof typeof limits.text]);
    }
  });
});
