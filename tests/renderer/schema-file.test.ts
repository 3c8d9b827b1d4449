// The committed JSON Schema is generated from the zod schema and must be current.
import fs from "node:fs";
import path from "node:path";
import { cardJsonSchema, cardJsonSchemaText } from "../../renderer/spec/json-schema";

describe("schema/card.schema.json", () => {
  it("matches the zod schema (run `npm run schema` after changing it)", () => {
    const committed = fs.readFileSync(
      path.join(__dirname, "..", "..", "schema", "card.schema.json"),
      "utf8",
    );
    expect(committed).toBe(cardJsonSchemaText());
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
    expect(card?.properties.format).toMatchObject({ enum: ["png", "jpeg", "webp", "avif"] });
  });
});
