// The card spec and batch file as JSON Schema (for editors), generated from the zod schema.
import { z } from "zod";
import { batchFileSchema, batchItemSchema, cardDefaultsSchema, cardSpecSchema } from "./schema";

/** One JSON Schema document that accepts either a single card spec or a batch file. */
export function cardJsonSchema(): Record<string, unknown> {
  const options = { io: "input", unrepresentable: "any" } as const;
  const batch = z.toJSONSchema(batchFileSchema, options);
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://cardpress.dev/schema/card.schema.json",
    title: "cardpress card spec or batch file",
    description:
      "A single card spec, or a batch file { defaults, items, metadata, ttlHours } whose items are merged over defaults.",
    anyOf: [
      { $ref: "#/$defs/card" },
      {
        ...batch,
        $schema: undefined,
        properties: {
          ...(batch.properties as Record<string, unknown>),
          defaults: { $ref: "#/$defs/defaults" },
          items: { type: "array", minItems: 1, items: { $ref: "#/$defs/item" } },
        },
      },
    ],
    $defs: {
      card: { ...z.toJSONSchema(cardSpecSchema, options), $schema: undefined },
      defaults: { ...z.toJSONSchema(cardDefaultsSchema, options), $schema: undefined },
      item: { ...z.toJSONSchema(batchItemSchema, options), $schema: undefined },
    },
  };
}

export function cardJsonSchemaText(): string {
  return `${JSON.stringify(cardJsonSchema(), null, 2)}\n`;
}
