// The template document as JSON Schema (schema/template.schema.json, for editors), generated from the zod schema.
import { z } from "zod";
import { templateDocumentSchema } from "./schema";

/** The published schema: what an editor checks a template file against (`"$schema"` accepted). */
export function templateJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(templateDocumentSchema, { io: "input", unrepresentable: "any" });
  return {
    ...schema,
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://cardpress.dev/schema/template.schema.json",
    title: "cardpress template",
    description:
      "A card design: a default size, brand fonts, the params a card fills in, and a tree of stack, text, image and shape nodes laid out as CSS flexbox. Reference: docs/templates.md.",
  };
}

export function templateJsonSchemaText(): string {
  return `${JSON.stringify(templateJsonSchema(), null, 2)}\n`;
}
