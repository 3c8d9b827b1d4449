// Each text field as the templates draw it, and the text the card's fonts are registered for.
import { textFieldNames, type CardSpec, type TextField } from "../spec/schema";

/** Fields drawn in capitals (drawTextStack's eyebrow); every other field is drawn as written. */
const capitalised: ReadonlySet<TextField> = new Set(["eyebrow"]);

/** A text field's value as drawn, or undefined when the spec leaves it empty. */
export function drawnText(spec: CardSpec, field: TextField): string | undefined {
  const value = spec[field];
  if (!value) return undefined;
  return capitalised.has(field) ? value.toLocaleUpperCase() : value;
}

/**
 * Every character a card can draw: each text field as drawn, plus what templates add themselves
 * (the footer row's " · " separator and the ellipsis of clamped text). Registering its fonts
 * before anything is measured keeps a font name from changing once text has used it.
 */
export function fontRegistrationText(spec: CardSpec): string {
  const texts = textFieldNames.map((field) => drawnText(spec, field)).filter(Boolean);
  return `${texts.join("\n")} · …`;
}
