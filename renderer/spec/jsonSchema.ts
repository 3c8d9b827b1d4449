// The card spec and batch file as JSON Schema (for editors), generated from the zod schema.
import { z } from "zod";
import {
  batchFileSchema,
  batchItemSchema,
  cardDefaultsSchema,
  cardSpecSchema,
  ownTemplateCardSpecSchema,
  templateNames,
} from "./schema";

type JsonObject = Record<string, unknown>;

/**
 * A card that names a template of its own and fills its params: no title needed (the built-ins
 * draw the title, so a card with `title` is the other branch). Two strict branches rather than a
 * conditional, which editors and zod's JSON Schema reader read alike.
 */
function ownTemplateCardDefinition(options: Parameters<typeof z.toJSONSchema>[1]): JsonObject {
  const own = z.toJSONSchema(ownTemplateCardSpecSchema, options);
  const properties = own.properties as Record<string, JsonObject>;
  const ownTemplate = {
    ...own,
    $schema: undefined,
    required: [...((own.required as string[] | undefined) ?? []), "template"],
    properties: {
      ...properties,
      // Any name but a built-in's (a negative lookahead: JSON Schema patterns are ECMA-262).
      template: {
        ...properties.template,
        default: undefined,
        pattern: `^(?!(?:${templateNames.join("|")})$)`,
      },
    },
  };
  return ownTemplate;
}

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
      { $ref: "#/$defs/ownTemplateCard" },
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
      ownTemplateCard: ownTemplateCardDefinition(options),
      defaults: { ...z.toJSONSchema(cardDefaultsSchema, options), $schema: undefined },
      item: { ...z.toJSONSchema(batchItemSchema, options), $schema: undefined },
    },
  };
}

export function cardJsonSchemaText(): string {
  return `${JSON.stringify(cardJsonSchema(), null, 2)}\n`;
}
