// The committed schema/template.schema.json is generated from the zod schema, must be current, and checks template files as the validator does.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { templateJsonSchema, templateJsonSchemaText } from "../../../renderer/template/jsonSchema";

const schemaFile = path.join(__dirname, "..", "..", "..", "schema", "template.schema.json");

describe("schema/template.schema.json", () => {
  it("matches the zod schema (run `npm run schema` after changing it)", () => {
    expect(fs.readFileSync(schemaFile, "utf8")).toBe(templateJsonSchemaText());
  });

  it("describes the document with its limits and descriptions", () => {
    const schema = templateJsonSchema() as {
      properties: Record<string, Record<string, unknown>>;
      required: string[];
    };
    expect(schema.required).toEqual(expect.arrayContaining(["name", "root"]));
    expect(schema.properties.fonts).toMatchObject({ type: "array", maxItems: 8 });
    expect(schema.properties.size?.description).toEqual(expect.any(String));
    expect(schema.properties.$schema).toMatchObject({ type: "string" });
  });

  // What an editor does with `"$schema": "../schema/template.schema.json"`: read the published file
  // as JSON Schema (zod's own reader, which never sees our zod objects) and check a template with it.
  describe("as an editor reads it", () => {
    const editorCheck = z.fromJSONSchema(
      JSON.parse(fs.readFileSync(schemaFile, "utf8")) as z.core.JSONSchema.JSONSchema,
    );
    const template = {
      $schema: "../schema/template.schema.json",
      name: "brand/quote",
      params: { quote: { type: "text", maxLength: 280 }, avatar: { type: "image" } },
      root: {
        type: "stack",
        children: [
          { type: "text", text: "{{quote}}", font: { size: [32, 72] } },
          { type: "image", src: "{{avatar}}", width: 96, height: 96, radius: 48 },
        ],
      },
    };

    it("accepts a template with $schema", () => {
      expect(editorCheck.safeParse(template).success).toBe(true);
    });

    it("flags misspelt node types and properties, nested too", () => {
      const misspelt = (change: (root: { children: Record<string, unknown>[] }) => void) => {
        const copy = structuredClone(template);
        change(copy.root as { children: Record<string, unknown>[] });
        return editorCheck.safeParse(copy).success;
      };
      expect(misspelt((root) => ((root.children[0] as Record<string, unknown>).type = "txt"))).toBe(
        false,
      );
      expect(
        misspelt((root) => ((root.children[1] as Record<string, unknown>).colour = "red")),
      ).toBe(false);
      expect(editorCheck.safeParse({ ...template, parms: {} }).success).toBe(false);
    });
  });
});
