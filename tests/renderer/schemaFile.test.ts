// The committed JSON Schema is generated from the zod schema, must be current, and must accept what the README advises.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { cardJsonSchema, cardJsonSchemaText } from "../../renderer/spec/jsonSchema";

const schemaFile = path.join(__dirname, "..", "..", "schema", "card.schema.json");

describe("schema/card.schema.json", () => {
  it("matches the zod schema (run `npm run schema` after changing it)", () => {
    expect(fs.readFileSync(schemaFile, "utf8")).toBe(cardJsonSchemaText());
  });

  it("describes the card fields with their limits", () => {
    const card = (
      cardJsonSchema().$defs as Record<
        string,
        { properties: Record<string, Record<string, unknown>> }
      >
    ).card;
    expect(card?.properties.title).toMatchObject({ type: "string", minLength: 1 });
    expect(card?.properties.scale).toMatchObject({ minimum: 1, maximum: 3 });
    expect(card?.properties.format).toMatchObject({
      enum: ["png", "jpeg", "webp", "avif", "jpg"],
      default: "png",
    });
  });

  // What an editor does with `"$schema": "./schema/card.schema.json"`: read the published file as
  // JSON Schema (here zod's own JSON Schema reader, which never sees our zod objects) and check the
  // document against it.
  describe("as an editor reads it", () => {
    const editorCheck = z.fromJSONSchema(
      JSON.parse(fs.readFileSync(schemaFile, "utf8")) as z.core.JSONSchema.JSONSchema,
    );
    const reference = "./schema/card.schema.json";

    it("accepts the README's $schema advice in a card spec and a batch file", () => {
      expect(editorCheck.safeParse({ $schema: reference, title: "Hi" }).success).toBe(true);
      expect(
        editorCheck.safeParse({
          $schema: reference,
          defaults: { format: "jpg" },
          items: [{ id: "a", title: "Hi", theme: { background: "red" } }],
        }).success,
      ).toBe(true);
    });

    it("still flags what the validator rejects: typos, $schema inside items", () => {
      expect(editorCheck.safeParse({ title: "Hi", titel: "x" }).success).toBe(false);
      expect(editorCheck.safeParse({ title: "Hi", format: "gif" }).success).toBe(false);
      expect(
        editorCheck.safeParse({ items: [{ id: "a", title: "Hi", $schema: reference }] }).success,
      ).toBe(false);
    });
  });
});
