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
  type: z.literal("linear").describe("the only kind so far"),
  angle: z.number().min(-360).max(360).default(135).describe("CSS angle in degrees (0 = up)"),
  stops: z
    .array(
      z.strictObject({
        color: templateColor,
        position: z.number().min(0).max(1).optional().describe("0–1 along the gradient line"),
      }),
    )
    .min(2)
    .max(limits.maxGradientStops)
    .describe("colours along the line; missing positions are spread evenly, as in CSS"),
});

/** A node's or the card's background: a colour, a linear gradient, or `{{param}}` (color or background param). */
export const templateBackground = z.union([templateColor, templateGradient]);

/**
 * Extension (H2, for the built-ins): a length relative to the CARD, as CSS viewport units:
 * `"10vmin"` is 10 % of the card's shorter side, `"42vh"` of its height, `"5vw"` of its width,
 * `"80vmax"` of its longer side. Unlike px they do not follow `unit`, so a padding of `"10vmin"`
 * stays a tenth of the shorter side on every shape.
 */
export const viewportLengthPattern = /^(-?)([0-9]{1,3}(?:\.[0-9]{1,2})?)(vw|vh|vmin|vmax)$/;
const viewportLength = (negative: boolean) =>
  z
    .string()
    .regex(negative ? viewportLengthPattern : /^([0-9]{1,3}(?:\.[0-9]{1,2})?)(vw|vh|vmin|vmax)$/, {
      error: (issue) =>
        `expected a viewport length such as "10vmin", "42vh" or "5vw"${negative ? " (may be negative)" : ""}, received ${describeReceived(issue.input)}`,
    });

/** px (logical, at the template's default size), a percentage of the parent (`"50%"`), or a viewport length (`"10vmin"`). */
export const length = z.union([
  z.number().min(0).max(limits.maxDimension),
  z.string().regex(/^(100|[1-9]?[0-9])(\.[0-9]{1,2})?%$/, {
    error: (issue) =>
      `expected a length in px (a number), a percentage such as "50%" or a viewport length such as "10vmin", received ${describeReceived(issue.input)}`,
  }),
  viewportLength(false),
]);
/** Offsets may be negative (an absolute node hanging over its parent's edge). */
const offset = z.union([
  z.number().min(-limits.maxDimension).max(limits.maxDimension),
  length,
  viewportLength(true),
]);
const px = z.number().min(0).max(limits.maxDimension);
/** One side: px, or a viewport length (`"10vmin"`: a tenth of the card's shorter side). */
const side = z.union([px, viewportLength(false)]);
/** A side list as in CSS: one value for all sides, or `[top, right, bottom, left]`. */
const sides = z.union([side, z.tuple([side, side, side, side])]);

/** Properties every node has. `start`/`end` follow the card's text direction (RTL mirrors). */
const boxFields = {
  id: z.string().max(64).optional().describe("a name for this node in errors and warnings"),
  if: paramName.optional().describe("drawn only when this param is given (not empty)"),
  width: length
    .optional()
    .describe('px, "50%" of the parent, "10vmin" of the card, or omitted (from content)'),
  height: length
    .optional()
    .describe('px, "50%" of the parent, "10vmin" of the card, or omitted (from content)'),
  minWidth: length.optional().describe("the node is never narrower (as CSS min-width)"),
  maxWidth: length.optional().describe("the node is never wider (as CSS max-width)"),
  minHeight: length.optional().describe("the node is never shorter (as CSS min-height)"),
  maxHeight: length.optional().describe("the node is never taller (as CSS max-height)"),
  grow: z.number().min(0).max(1000).optional().describe("flex-grow: share of the free space"),
  shrink: z
    .number()
    .min(0)
    .max(1000)
    .optional()
    .describe("flex-shrink, as in CSS (default 1: shrinks to fit)"),
  margin: sides
    .optional()
    .describe('space outside the node: px or "10vmin", or [top, right, bottom, left]'),
  position: z
    .enum(["relative", "absolute"])
    .optional()
    .describe("absolute: out of the flow, placed by top/right/bottom/left in its parent"),
  top: offset.optional().describe("absolute nodes: from the parent's top edge (px or %)"),
  right: offset.optional().describe("absolute nodes: from the parent's right edge"),
  bottom: offset.optional().describe("absolute nodes: from the parent's bottom edge"),
  left: offset.optional().describe("absolute nodes: from the parent's left edge"),
  background: templateBackground.optional().describe("colour, linear gradient or {{param}}"),
  radius: px.optional().describe("corner radius; half the size makes a circle"),
  opacity: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("0 (invisible) to 1 (default), for the node and what it holds"),
};

/** Overrides applied when the card is tall (height > 0.75 × width): one template, two shapes. */
const tallOverrides = z
  .strictObject({
    width: length.optional().describe("replaces width"),
    height: length.optional().describe("replaces height"),
    direction: z
      .enum(["row", "column", "row-reverse", "column-reverse"])
      .optional()
      .describe("replaces a stack's direction"),
    gap: px.optional().describe("replaces a stack's gap"),
    padding: sides.optional().describe("replaces a stack's padding"),
    size: z
      .union([px, z.tuple([px, px])])
      .optional()
      .describe("replaces a text node's font.size"),
    maxLines: z
      .int()
      .min(1)
      .max(limits.template.maxLines)
      .optional()
      .describe("replaces a text node's maxLines"),
    hidden: z.boolean().optional().describe("true: not drawn on tall cards"),
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
  direction: z
    .enum(["row", "column", "row-reverse", "column-reverse"])
    .optional()
    .describe("main axis; default column; the -reverse forms lay children out from the far end"),
  gap: px.optional().describe("space between children, px"),
  padding: sides
    .optional()
    .describe('space inside the edge: px or "10vmin", or [top, right, bottom, left]'),
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
  font: fontStyle.optional().describe("family, weight and size"),
  color: templateColor.optional().describe("text colour"),
  maxLines: z.int().min(1).max(limits.template.maxLines).optional().describe("clamped with …"),
  align: z
    .enum(["start", "center", "end"])
    .optional()
    .describe("within the node's width; start follows the text's direction"),
  lineHeight: z.number().min(0.5).max(4).optional().describe("multiple of the font size"),
  transform: z
    .enum(["uppercase", "none"])
    .optional()
    .describe("uppercase: drawn in capitals; the param's value is unchanged"),
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
  align: z
    .enum(["start", "center", "end"])
    .optional()
    .describe(
      "contain: where the image sits across the box's spare width (start/end follow the direction); default center",
    ),
  focus: z
    .strictObject({ x: z.number().min(0).max(1), y: z.number().min(0).max(1) })
    .optional()
    .describe("the point kept in view when cropping (0–1); default centre"),
  tall: tallOverrides.optional(),
});

const shapeNode = z.strictObject({
  type: z.literal("shape"),
  ...boxFields,
  shape: z.enum(["rect", "circle", "line"]).describe("what is drawn in the node's box"),
  fill: templateBackground.optional().describe("inside: colour, gradient or {{param}}"),
  stroke: templateColor.optional().describe("outline colour (a line's colour)"),
  strokeWidth: px.optional().describe("outline width, px"),
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
    .optional()
    .describe("the nodes inside, in order; later ones are drawn over earlier ones"),
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
  required: z.boolean().optional().describe("a card without it is invalid"),
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
  description: z.string().max(200).optional().describe("for people filling it in"),
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
  name: templateName.describe('the name cards use once stored ("brand/quote")'),
  description: z
    .string()
    .max(500)
    .optional()
    .describe("one line for people; listed by templates list"),
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
  fonts: z
    .array(brandFont)
    .max(limits.template.maxFonts)
    .default([])
    .describe("brand fonts the text nodes may name"),
  params: z
    .record(paramName, paramDefinition)
    .default({})
    .describe("what a card fills in: name → definition"),
  direction: paramName
    .optional()
    .describe("the text param whose script decides the direction (default: the first text param)"),
  root: templateNode.describe("the top node; the card is its parent"),
});

export type TemplateDocumentInput = z.input<typeof templateDocumentSchema>;
export type TemplateDocument = Omit<z.output<typeof templateDocumentSchema>, "$schema">;
