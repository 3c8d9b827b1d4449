// The card spec and batch file schema: the single source of truth for types, validation and JSON Schema.
import { z } from "zod";
import { limits } from "../limits";
import { primaryFontNames } from "../fonts/catalog";
import { colorExpectation, colorSuggestion, parseColor } from "./colors";
import { sizePresetNames, sizePresets } from "./sizes";
import { themePresetNames } from "./themes";
import { paramName, templateGradient, templateNamePattern } from "../template/schema";

/** The built-in templates (renderer/builtins/): a card names one, or a template of its own. */
export const templateNames = ["classic", "minimal", "split", "photo", "bold"] as const;
export type TemplateName = (typeof templateNames)[number];

export function isBuiltinTemplate(name: string): name is TemplateName {
  return (templateNames as readonly string[]).includes(name);
}

export const formatNames = ["png", "jpeg", "webp", "avif"] as const;
export type ImageFormat = (typeof formatNames)[number];

/** Other spellings accepted for a format; the validated spec carries the canonical name. */
const formatAliases = { jpg: "jpeg" } as const satisfies Record<string, ImageFormat>;
const acceptedFormatNames = [...formatNames, ...(Object.keys(formatAliases) as ["jpg"])] as const;

/**
 * `"$schema"` points an editor at schema/card.schema.json. Every top-level document a user writes
 * (card spec, batch file, and templates as they land) accepts it; validation drops it, so it never
 * changes a card's output or hash.
 */
export const schemaReferenceField = {
  $schema: z
    .string()
    .max(2048)
    .optional()
    .describe("JSON Schema for editors, e.g. ./schema/card.schema.json; ignored when rendering"),
};

const describeReceived = (value: unknown): string => {
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

// C0 controls other than tab and newline, and DEL: they render as boxes or nothing.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const controlCharacter = /[\u0000-\u0008\u000B-\u001F\u007F]/;

/** A text field: at most `max` code points, no control characters. */
const text = (max: number) =>
  z
    .string()
    .refine((value) => !controlCharacter.test(value), {
      error: "must not contain control characters (only tab and newline are allowed)",
    })
    .refine((value) => [...value].length <= max, {
      error: (issue) =>
        `expected at most ${max} characters, received ${[...(issue.input as string)].length}`,
    });

const color = z.string().refine((value) => parseColor(value) !== undefined, {
  error: (issue) =>
    `expected ${colorExpectation}, received ${describeReceived(issue.input)}${colorSuggestion(String(issue.input))}`,
});

const gradient = z.strictObject({
  type: z.literal("linear"),
  angle: z.number().min(-360).max(360).default(135).describe("CSS angle in degrees (0 = up)"),
  stops: z
    .array(
      z.strictObject({
        color,
        position: z.number().min(0).max(1).optional().describe("0–1 along the gradient line"),
      }),
    )
    .min(2)
    .max(limits.maxGradientStops),
});

const background = z.union([color, gradient]);

const theme = z.strictObject({
  preset: z.enum(themePresetNames).optional().describe("built-in theme the other fields override"),
  background: background.optional().describe("colour or linear gradient behind everything"),
  foreground: color.optional().describe("title and body text colour"),
  accent: color.optional().describe("eyebrow, rules and highlights"),
  muted: color.optional().describe("subtitle and footer text colour"),
  font: z
    .enum(primaryFontNames)
    .optional()
    .describe("primary font; CJK, emoji, Arabic, Hebrew fall back"),
});

/** Names of images in the caller's asset store: relative, no traversal, no URLs. */
export const assetName = z
  .string()
  .max(limits.maxAssetNameLength)
  .regex(/^(?!.*\.\.)(?!.*\/\/)(?!.*\/$)[A-Za-z0-9][A-Za-z0-9._/-]*$/, {
    error: (issue) =>
      `expected an asset name such as "brand/logo.png" (letters, digits, . _ - /; starting with a letter or digit, not ending in "/"; no "..", no URL), received ${describeReceived(issue.input)}`,
  });

export const cardId = z
  .string()
  .max(limits.maxIdLength)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
    error: (issue) =>
      `expected an id of letters, digits, ".", "_" or "-" starting with a letter or digit, received ${describeReceived(issue.input)}`,
  });

/**
 * The card-level `background` names an image. A colour there (`"background": "red"`) is a theme
 * colour put one level too high: say so instead of looking for an image file called "red".
 */
const backgroundImage = assetName.refine((value) => parseColor(value) === undefined, {
  error: (issue) =>
    `expected the asset name of a background image, received the colour ${describeReceived(issue.input)}; put colours in theme.background`,
});

const size = z.union([
  z.enum(sizePresetNames),
  z.strictObject({
    width: z.int().min(limits.minDimension).max(limits.maxDimension),
    height: z.int().min(limits.minDimension).max(limits.maxDimension),
  }),
]);

/**
 * The card's text fields, declared once: their lengths are limits.text (the two must name the same
 * fields), and font registration, the benches' worst cases and the text-cost test enumerate
 * textFieldNames, so a field added here is registered, measured and tested without another edit.
 */
const textFieldSchemas = {
  eyebrow: text(limits.text.eyebrow).optional().describe("small label above the title"),
  title: text(limits.text.title).min(1),
  subtitle: text(limits.text.subtitle).optional(),
  footer: text(limits.text.footer).optional().describe("e.g. site name or date"),
  author: text(limits.text.author).optional(),
} satisfies Record<keyof typeof limits.text, z.ZodType<string | undefined>>;

export type TextField = keyof typeof textFieldSchemas;
export const textFieldNames = Object.keys(textFieldSchemas) as TextField[];

/** A local template file, relative to the card or batch file: `./templates/quote.json`. */
export const localTemplatePattern = /^\.\.?\/(?!.*\/\/)[^\0]*\.json$/;

/**
 * What a card's `template` names: a built-in (`classic`), a stored template (`brand/quote`), or
 * locally a template file (`./templates/quote.json`; the CLI resolves it before anything is queued).
 */
const templateReference = z
  .string()
  .max(limits.template.maxNameLength + 128)
  .refine(
    (value) =>
      isBuiltinTemplate(value) ||
      templateNamePattern.test(value) ||
      localTemplatePattern.test(value),
    {
      error: (issue) =>
        `expected a built-in template (${templateNames.join(", ")}), a template name such as "brand/quote", or a local file such as "./templates/quote.json", received ${describeReceived(issue.input)}`,
    },
  );

/** A card's values for its template's params: text, asset names, colours (or a gradient). */
const templateParams = z
  .record(paramName, z.union([z.string().max(limits.template.maxParamLength), templateGradient]))
  .refine((record) => Object.keys(record).length <= limits.template.maxParams, {
    error: (issue) =>
      `expected at most ${limits.template.maxParams} params, received ${Object.keys(issue.input as object).length}`,
  });

export type TemplateParams = z.output<typeof templateParams>;

const cardFields = {
  id: cardId.optional().describe("names the output file / blob"),
  template: templateReference
    .default("classic")
    .describe(
      `a built-in (${templateNames.join(", ")}), a stored template ("brand/quote") or a local file ("./templates/quote.json")`,
    ),
  params: templateParams.optional().describe("values for the template's params"),
  templateVersion: z
    .string()
    .regex(/^[0-9a-f]{64}$/, {
      error: "expected a template's SHA-256 content hash (64 hex digits)",
    })
    .optional()
    .describe("the template version (content hash) this card renders with; set when queued"),
  size: size.default("og").describe(`preset (${sizePresetNames.join(", ")}) or {width, height}`),
  scale: z.number().min(limits.minScale).max(limits.maxScale).default(1).describe("pixel density"),
  format: z
    .enum(acceptedFormatNames)
    .default("png")
    .transform((format): ImageFormat => (format === "jpg" ? formatAliases.jpg : format))
    .describe('png, jpeg (or its alias "jpg"), webp or avif'),
  quality: z.int().min(1).max(100).optional().describe("jpeg/webp/avif quality; ignored for png"),
  ...textFieldSchemas,
  theme: theme.optional(),
  logo: assetName.optional().describe("asset name of a logo image"),
  background: backgroundImage.optional().describe("asset name of a background image"),
  titleMaxLines: z.int().min(1).max(limits.maxTitleLines).optional(),
  direction: z.enum(["auto", "ltr", "rtl"]).default("auto").describe("text direction"),
};

/**
 * Output-size issues name the field the user can change: `scale` when it is above 1, else `size`
 * (a scale of 1 cannot be lowered, so "lower scale" would be no advice at all).
 */
function checkOutputSize(
  card: { size?: z.output<typeof size> | undefined; scale: number },
  context: z.RefinementCtx,
): void {
  // A card of a template of its own without a size takes the template's: checked with it
  // (checkCardParams), as the template is not known here.
  if (card.size === undefined) return;
  const { width, height } = typeof card.size === "string" ? sizePresets[card.size] : card.size;
  const outWidth = Math.round(width * card.scale);
  const outHeight = Math.round(height * card.scale);
  const scaled = card.scale > limits.minScale;
  const field = scaled ? "scale" : "size";
  const input = `${typeof card.size === "string" ? `size "${card.size}" (${width}×${height})` : `size ${width}×${height}`}${scaled ? ` at scale ${card.scale}` : ""}`;
  const advice = scaled ? "lower scale or size" : "choose a smaller size";
  if (outWidth > limits.maxOutputSide || outHeight > limits.maxOutputSide) {
    context.addIssue({
      code: "custom",
      path: [field],
      message: `output ${outWidth}×${outHeight} from ${input} exceeds the largest side of ${limits.maxOutputSide.toLocaleString("en-US")} px; ${advice}`,
    });
  }
  if (outWidth * outHeight > limits.maxOutputPixels) {
    context.addIssue({
      code: "custom",
      path: [field],
      message: `output ${outWidth}×${outHeight} = ${(outWidth * outHeight).toLocaleString("en-US")} px from ${input} exceeds the limit of ${limits.maxOutputPixels.toLocaleString("en-US")} px; ${advice}`,
    });
  }
}

/** A complete card spec, as accepted by the renderer (`$schema` is accepted and dropped by parseCardSpec). */
export const cardSpecSchema = z
  .strictObject({ ...schemaReferenceField, ...cardFields })
  .superRefine(checkOutputSize);

/**
 * A card naming a template of its own (not a built-in): the template's params carry its text, so
 * `title` is optional (the built-ins draw it, so they require it). parseCardSpec picks this schema
 * by the card's `template`.
 */
export const ownTemplateCardSpecSchema = z
  .strictObject({
    ...schemaReferenceField,
    ...cardFields,
    title: textFieldSchemas.title.optional().describe("required by the built-in templates"),
    size: size
      .optional()
      .describe(
        `preset (${sizePresetNames.join(", ")}) or {width, height}; default: the template's size`,
      ),
  })
  .superRefine(checkOutputSize);

/** Card fields shared by a batch's items (everything optional). */
export const cardDefaultsSchema = z.strictObject(cardFields).partial();

/** A batch item: card fields with a required id; merged over `defaults` before validation. */
export const batchItemSchema = z.strictObject(cardFields).partial().extend({ id: cardId });

export const batchFileSchema = z.strictObject({
  ...schemaReferenceField,
  defaults: cardDefaultsSchema.optional(),
  items: z.array(z.unknown()).min(1).max(limits.maxItemsPerBatch),
  metadata: z
    .record(z.string().max(64), z.string().max(limits.maxMetadataValueLength))
    .refine((record) => Object.keys(record).length <= limits.maxMetadataEntries, {
      error: (issue) =>
        `expected at most ${limits.maxMetadataEntries} entries, received ${Object.keys(issue.input as object).length}`,
    })
    .optional(),
  ttlHours: z.number().positive().optional().describe("hours to keep this batch's outputs"),
});

export type CardSpecInput = z.input<typeof cardSpecSchema>;
/** A validated card; `title` is absent only on a card whose template is not a built-in. */
export type CardSpec = Omit<z.output<typeof ownTemplateCardSpecSchema>, "$schema">;
export type BatchFileInput = z.input<typeof batchFileSchema>;
