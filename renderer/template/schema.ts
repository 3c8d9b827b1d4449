// The template language: one zod schema for template documents (types, validation, schema/template.schema.json).
import { z } from "zod";
import { limits } from "../limits";
import { colorExpectation, colorSuggestion, parseColor } from "../spec/colors";
import { sizePresetNames } from "../spec/sizes";

/** `{{name}}`: a placeholder for a param, in text, colours and image sources. */
export const placeholderPattern = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;
const wholePlaceholder = /^\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}$/;

/** The param a value names when it is exactly one placeholder (`"{{accent}}"` → `accent`). */
export function placeholderName(value: string): string | undefined {
  return wholePlaceholder.exec(value)?.[1];
}

const describeReceived = (value: unknown): string => {
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

export const paramNamePattern = /^[A-Za-z][A-Za-z0-9_]*$/;
export const paramName = z
  .string()
  .max(limits.template.maxParamNameLength)
  .regex(paramNamePattern, {
    error: (issue) =>
      `expected a param name of letters, digits and "_" starting with a letter, received ${describeReceived(issue.input)}`,
  });

/** A colour, or `{{param}}` naming a param of type color. */
export const templateColor = z
  .string()
  .max(64)
  .refine((value) => placeholderName(value) !== undefined || parseColor(value) !== undefined, {
    error: (issue) =>
      `expected ${colorExpectation}, or "{{param}}" naming a color param, received ${describeReceived(issue.input)}${colorSuggestion(String(issue.input))}`,
  });

export const templateGradient = z.strictObject({
  type: z.literal("linear"),
  angle: z.number().min(-360).max(360).default(135).describe("CSS angle in degrees (0 = up)"),
  stops: z
    .array(
      z.strictObject({
        color: templateColor,
        position: z.number().min(0).max(1).optional().describe("0–1 along the gradient line"),
      }),
    )
    .min(2)
    .max(limits.maxGradientStops),
});

/** A node's or the card's background: a colour, a linear gradient, or `{{param}}` (color or background param). */
export const templateBackground = z.union([templateColor, templateGradient]);

/** px (logical, at the template's default size), or a percentage of the parent: `"50%"`. */
export const length = z.union([
  z.number().min(0).max(limits.maxDimension),
  z.string().regex(/^(100|[1-9]?[0-9])(\.[0-9]{1,2})?%$/, {
    error: (issue) =>
      `expected a length in px (a number) or a percentage such as "50%", received ${describeReceived(issue.input)}`,
  }),
]);
/** Offsets may be negative (an absolute node hanging over its parent's edge). */
const offset = z.union([z.number().min(-limits.maxDimension).max(limits.maxDimension), length]);
const px = z.number().min(0).max(limits.maxDimension);
/** A side list as in CSS: one number for all sides, or `[top, right, bottom, left]`. */
const sides = z.union([px, z.tuple([px, px, px, px])]);

/** Properties every node has. `start`/`end` follow the card's text direction (RTL mirrors). */
const boxFields = {
  id: z.string().max(64).optional().describe("a name for this node in errors and warnings"),
  if: paramName.optional().describe("drawn only when this param is given (not empty)"),
  width: length.optional().describe('px, "50%" of the parent, or omitted (from content)'),
  height: length.optional().describe('px, "50%" of the parent, or omitted (from content)'),
  minWidth: length.optional(),
  maxWidth: length.optional(),
  minHeight: length.optional(),
  maxHeight: length.optional(),
  grow: z.number().min(0).max(1000).optional().describe("flex-grow: share of the free space"),
  shrink: z
    .number()
    .min(0)
    .max(1000)
    .optional()
    .describe("flex-shrink, as in CSS (default 1: shrinks to fit)"),
  margin: sides.optional().describe("space outside the node: px or [top, right, bottom, left]"),
  position: z.enum(["relative", "absolute"]).optional(),
  top: offset.optional(),
  right: offset.optional(),
  bottom: offset.optional(),
  left: offset.optional(),
  background: templateBackground.optional().describe("colour, linear gradient or {{param}}"),
  radius: px.optional().describe("corner radius; half the size makes a circle"),
  opacity: z.number().min(0).max(1).optional(),
};

/** Overrides applied when the card is tall (height > 0.75 × width): one template, two shapes. */
const tallOverrides = z
  .strictObject({
    width: length.optional(),
    height: length.optional(),
    direction: z.enum(["row", "column"]).optional(),
    gap: px.optional(),
    padding: sides.optional(),
    size: z.union([px, z.tuple([px, px])]).optional(),
    maxLines: z.int().min(1).max(limits.template.maxLines).optional(),
    hidden: z.boolean().optional(),
  })
  .describe("overrides when the card is tall (height > 0.75 × width)");

const fontStyle = z.strictObject({
  family: z
    .string()
    .max(64)
    .optional()
    .describe("a brand font's family from `fonts`, or a shipped family (Inter, Noto Serif)"),
  weight: z.int().min(100).max(900).optional().describe("100–900; default 400"),
  size: z
    .union([px.min(1), z.tuple([px.min(1), px.min(1)])])
    .optional()
    .describe("px, or [min, max]: the largest size from max down to min that fits"),
});

const stackFields = {
  type: z.literal("stack"),
  ...boxFields,
  direction: z.enum(["row", "column"]).optional().describe("main axis; default column"),
  gap: px.optional(),
  padding: sides.optional(),
  align: z
    .enum(["start", "center", "end", "stretch"])
    .optional()
    .describe("cross axis, as CSS align-items; default stretch"),
  justify: z
    .enum(["start", "center", "end", "space-between"])
    .optional()
    .describe("main axis, as CSS justify-content; default start"),
  tall: tallOverrides.optional(),
};
const stackWithoutChildren = z.strictObject(stackFields);

const textNode = z.strictObject({
  type: z.literal("text"),
  ...boxFields,
  text: z.string().max(limits.template.maxLiteralText).describe("text with {{param}} placeholders"),
  font: fontStyle.optional(),
  color: templateColor.optional(),
  maxLines: z.int().min(1).max(limits.template.maxLines).optional().describe("clamped with …"),
  align: z.enum(["start", "center", "end"]).optional(),
  lineHeight: z.number().min(0.5).max(4).optional().describe("multiple of the font size"),
  transform: z.enum(["uppercase", "none"]).optional(),
  tall: tallOverrides.optional(),
});

const imageNode = z.strictObject({
  type: z.literal("image"),
  ...boxFields,
  src: z
    .string()
    .max(limits.maxAssetNameLength)
    .describe("{{param}} naming an image param, or an asset name"),
  fit: z.enum(["cover", "contain"]).optional().describe("default cover"),
  focus: z
    .strictObject({ x: z.number().min(0).max(1), y: z.number().min(0).max(1) })
    .optional()
    .describe("the point kept in view when cropping (0–1); default centre"),
  tall: tallOverrides.optional(),
});

const shapeNode = z.strictObject({
  type: z.literal("shape"),
  ...boxFields,
  shape: z.enum(["rect", "circle", "line"]),
  fill: templateBackground.optional(),
  stroke: templateColor.optional(),
  strokeWidth: px.optional(),
  tall: tallOverrides.optional(),
});

export type StackNode = z.output<typeof stackWithoutChildren> & { children?: TemplateNode[] };
type StackNodeInput = z.input<typeof stackWithoutChildren> & { children?: TemplateNodeInput[] };
export type TextNode = z.output<typeof textNode>;
export type ImageNode = z.output<typeof imageNode>;
export type ShapeNode = z.output<typeof shapeNode>;
export type TemplateNode = StackNode | TextNode | ImageNode | ShapeNode;
export type TemplateNodeInput =
  StackNodeInput | z.input<typeof textNode> | z.input<typeof imageNode> | z.input<typeof shapeNode>;
export type TallOverrides = z.output<typeof tallOverrides>;

const stackNode: z.ZodType<StackNode, StackNodeInput> = stackWithoutChildren.extend({
  children: z
    .array(z.lazy(() => templateNode))
    .max(limits.template.maxNodes)
    .optional(),
});

/** One node of a template's tree; `type` picks which. */
export const templateNode: z.ZodType<TemplateNode, TemplateNodeInput> = z.lazy(() =>
  z.discriminatedUnion("type", [
    stackNode as unknown as typeof stackWithoutChildren,
    textNode,
    imageNode,
    shapeNode,
  ]),
) as unknown as z.ZodType<TemplateNode, TemplateNodeInput>;

export const paramTypes = ["text", "image", "color", "background"] as const;
export type ParamType = (typeof paramTypes)[number];

export const paramDefinition = z.strictObject({
  type: z
    .enum(paramTypes)
    .describe("text, image (an asset name), color, or background (colour or gradient)"),
  required: z.boolean().optional(),
  default: z
    .union([z.string().max(limits.template.maxParamLength), templateGradient])
    .optional()
    .describe("used when the card does not give this param"),
  maxLength: z
    .int()
    .min(1)
    .max(limits.template.maxParamLength)
    .optional()
    .describe("text params: at most this many characters"),
  description: z.string().max(200).optional(),
});
export type ParamDefinition = z.output<typeof paramDefinition>;

export const brandFont = z.strictObject({
  family: z.string().min(1).max(64).describe("the name nodes use in font.family"),
  src: z
    .string()
    .max(limits.maxAssetNameLength)
    .describe("TTF, OTF, WOFF or WOFF2: beside the template locally, or in the assets container"),
  weight: z
    .int()
    .min(100)
    .max(900)
    .optional()
    .describe("the weight this file is (or, variable: the instance to use)"),
});
export type BrandFont = z.output<typeof brandFont>;

/** Template names: `brand/quote`; letters, digits, `.`, `_`, `-`, and `/` between parts. */
export const templateNamePattern = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/;
export const templateName = z
  .string()
  .max(limits.template.maxNameLength)
  .regex(templateNamePattern, {
    error: (issue) =>
      `expected a template name such as "brand/quote" (lower-case letters, digits, ".", "_", "-", parts joined by "/"), received ${describeReceived(issue.input)}`,
  });

export const templateDocumentSchema = z.strictObject({
  $schema: z.string().max(2048).optional().describe("JSON Schema for editors; ignored"),
  name: templateName,
  description: z.string().max(500).optional(),
  size: z
    .union([
      z.enum(sizePresetNames),
      z.strictObject({
        width: z.int().min(limits.minDimension).max(limits.maxDimension),
        height: z.int().min(limits.minDimension).max(limits.maxDimension),
      }),
    ])
    .default("og")
    .describe("default size; lengths are px at this size and scale with the card"),
  fonts: z.array(brandFont).max(limits.template.maxFonts).default([]),
  params: z
    .record(paramName, paramDefinition)
    .default({})
    .describe("what a card fills in: name → definition"),
  direction: paramName
    .optional()
    .describe("the text param whose script decides the direction (default: the first text param)"),
  root: templateNode,
});

export type TemplateDocumentInput = z.input<typeof templateDocumentSchema>;
export type TemplateDocument = Omit<z.output<typeof templateDocumentSchema>, "$schema">;
