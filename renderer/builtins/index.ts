// The five built-in templates as template documents, and how a card's fields become their params.
import type { PrimaryFontName } from "../fonts/catalog";
import { luminance, parseColor } from "../spec/colors";
import {
  textFieldNames,
  type CardSpec,
  type TemplateName,
  type TemplateParams,
} from "../spec/schema";
import { themePresets, type ThemePreset } from "../spec/themes";
import type { TemplateDocumentInput, TemplateNodeInput } from "../template/schema";
import type { ParsedTemplate } from "../template/types";
import { parseTemplate } from "../template/validate";
import bold from "./bold.json";
import classic from "./classic.json";
import minimal from "./minimal.json";
import photo from "./photo.json";
import split from "./split.json";

/** What a built-in draws by default when the card's theme does not say. */
interface BuiltinDefaults {
  preset: ThemePreset;
  font: PrimaryFontName;
}

const builtins: Record<TemplateName, { source: unknown; defaults: BuiltinDefaults }> = {
  classic: { source: classic, defaults: { preset: "midnight", font: "Inter" } },
  minimal: { source: minimal, defaults: { preset: "paper", font: "Noto Serif" } },
  split: { source: split, defaults: { preset: "ocean", font: "Inter" } },
  photo: { source: photo, defaults: { preset: "midnight", font: "Inter" } },
  bold: { source: bold, defaults: { preset: "sunrise", font: "Inter" } },
};

/** The built-in's document as shipped, validated the first time it is used. */
const parsedDocuments = new Map<string, ParsedTemplate>();

/**
 * A built-in document, validated by the same parseTemplate as users' templates (a built-in that
 * fails it is a bug, and throws on first use and in tests/renderer/builtins.test.ts).
 */
export function builtinDocument(name: TemplateName): ParsedTemplate {
  let parsed = parsedDocuments.get(name);
  if (!parsed) {
    parsed = parseTemplate(builtins[name].source, `built-in template "${name}"`);
    parsedDocuments.set(name, parsed);
  }
  return parsed;
}

/** The separator the footer row puts between author and footer. */
const bylineSeparator = "  ·  ";
const ink = "#0f172a";
const paper = "#ffffff";

/** Dark or light text, whichever reads better on `background` (WCAG luminance). */
function readableOn(background: string): string {
  const color = parseColor(background);
  return color && luminance(color) > 0.4 ? ink : paper;
}

/** The card's theme (its preset over the built-in's, then each field) as the built-in's colour params. */
function themeParams(spec: CardSpec, defaults: BuiltinDefaults): TemplateParams {
  const theme = spec.theme ?? {};
  const preset = themePresets[theme.preset ?? defaults.preset];
  const accent = theme.accent ?? preset.accent;
  const background = theme.background ?? preset.background;
  return {
    background: typeof background === "string" ? background : structuredClone(background),
    foreground: theme.foreground ?? preset.foreground,
    accent,
    muted: theme.muted ?? preset.muted,
    accentText: readableOn(accent),
  };
}

/** The card's text and image fields as params; a field the card leaves out is not passed. */
function fieldParams(spec: CardSpec): TemplateParams {
  const fields: Record<string, string | undefined> = {
    // Every text field is the built-ins' param of the same name (tests/renderer/textFields.test.ts).
    ...Object.fromEntries(textFieldNames.map((field) => [field, spec[field]])),
    // The footer row: "author · footer" in the strong style, or the footer alone in the muted one.
    byline: spec.author
      ? [spec.author, spec.footer].filter(Boolean).join(bylineSeparator)
      : spec.footer || undefined,
    footerOnly: spec.author ? undefined : spec.footer || undefined,
    logo: spec.logo,
    backgroundImage: spec.background,
  };
  return Object.fromEntries(
    Object.entries(fields).filter((entry): entry is [string, string] => Boolean(entry[1])),
  );
}

/** What in a card changes the built-in's document itself (not only its params). */
interface Variant {
  titleMaxLines: number | undefined;
  font: PrimaryFontName;
}

/** The document with the card's title line limit and primary font applied to its nodes. */
function applyVariant(node: TemplateNodeInput, variant: Variant): TemplateNodeInput {
  if (node.type === "stack") {
    return { ...node, children: node.children?.map((child) => applyVariant(child, variant)) };
  }
  if (node.type !== "text") return node;
  const shaped = { ...node, font: { ...node.font, family: variant.font } };
  if (node.id === "title" && variant.titleMaxLines !== undefined) {
    shaped.maxLines = variant.titleMaxLines;
    shaped.tall = { ...node.tall, maxLines: variant.titleMaxLines };
  }
  return shaped;
}

/** Variants kept: at most 5 built-ins × (maxTitleLines + 1) × the shipped fonts, each a small tree. */
const variants = new Map<string, ParsedTemplate>();

function variantOf(name: TemplateName, variant: Variant): ParsedTemplate {
  const { defaults } = builtins[name];
  const base = builtinDocument(name);
  if (variant.titleMaxLines === undefined && variant.font === defaults.font) return base;
  const key = `${name}\n${variant.titleMaxLines ?? ""}\n${variant.font}`;
  let parsed = variants.get(key);
  if (!parsed) {
    const document: TemplateDocumentInput = structuredClone(base.document);
    document.root = applyVariant(document.root, variant);
    parsed = parseTemplate(document, `built-in template "${name}"`);
    variants.set(key, parsed);
  }
  return parsed;
}

/** The card field each image param comes from: asset errors name the field the card's author wrote. */
const imageFields = { logo: "logo", backgroundImage: "background" } as const;

/** `params.backgroundImage` → `background`; any other field as it is. */
export function builtinAssetField(field: string): string {
  const param = field.startsWith("params.") ? field.slice("params.".length) : undefined;
  return param !== undefined && Object.hasOwn(imageFields, param)
    ? imageFields[param as keyof typeof imageFields]
    : field;
}

export interface BuiltinCard {
  template: ParsedTemplate;
  /** The card with the built-in's params filled in from its fields. */
  spec: CardSpec;
  /**
   * The card's images this built-in does not draw (a background on classic): checked all the same,
   * so a broken asset fails the card on every built-in alike.
   */
  undrawn: { field: "logo" | "background"; name: string }[];
}

/**
 * A card of a built-in as the template engine draws it: the built-in's document (the variant for
 * the card's `titleMaxLines` and `theme.font`), and the card with its fields mapped onto the
 * document's params. Params the card gives itself win over the mapped ones.
 */
export function builtinTemplate(spec: CardSpec & { template: TemplateName }): BuiltinCard {
  const { defaults } = builtins[spec.template];
  const template = variantOf(spec.template, {
    titleMaxLines: spec.titleMaxLines,
    font: spec.theme?.font ?? defaults.font,
  });
  const params = { ...themeParams(spec, defaults), ...fieldParams(spec), ...spec.params };
  const declared = template.document.params;
  const undrawn = Object.entries(imageFields).flatMap(([param, field]) => {
    const name = spec[field];
    return name !== undefined && !Object.hasOwn(declared, param) ? [{ field, name }] : [];
  });
  return { template, spec: { ...spec, params }, undrawn };
}
