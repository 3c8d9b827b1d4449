// CSS colour parsing for theme fields: hex, rgb()/rgba() and the CSS named colours, into exact RGBA.
import cssColorNames from "color-name";
import { didYouMean } from "./suggest";

export interface Rgba {
  r: number;
  g: number;
  b: number;
  /** 0–1 */
  a: number;
}

export const colorExpectation =
  "a CSS colour: #rgb, #rrggbb, #rrggbbaa, rgb(r g b), rgba(r, g, b, a), a CSS colour name such as red or rebeccapurple, or transparent";

/** The 148 CSS named colours (CSS Color Module Level 4) plus `transparent`. */
const colorNames: readonly string[] = [...Object.keys(cssColorNames), "transparent"];

/**
 * A CSS colour name's exact value. An own-property check, because `constructor`, `__proto__` or
 * `toString` are properties of every object, not colours.
 */
function namedColor(name: string): Rgba | undefined {
  if (name === "transparent") return { r: 0, g: 0, b: 0, a: 0 };
  if (!Object.hasOwn(cssColorNames, name)) return undefined;
  const [r, g, b] = cssColorNames[name as keyof typeof cssColorNames];
  return { r, g, b, a: 1 };
}

/** `; did you mean "green"?` for a misspelt colour name such as `gren`, else nothing. */
export function colorSuggestion(input: string): string {
  return /^[a-z]+$/i.test(input.trim()) ? didYouMean(input.trim(), colorNames) : "";
}

const hexPattern = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;
const rgbPattern =
  /^rgba?\(\s*(\d{1,3})\s*[,\s]\s*(\d{1,3})\s*[,\s]\s*(\d{1,3})\s*(?:[,/]\s*(\d*\.?\d+)(%?)\s*)?\)$/i;

/** Parses a colour string; returns undefined when it is not one we accept. */
export function parseColor(input: string): Rgba | undefined {
  const text = input.trim().toLowerCase();
  const known = namedColor(text);
  if (known) return known;
  const hex = hexPattern.exec(text)?.[1];
  if (hex) {
    const full = hex.length <= 4 ? [...hex].map((digit) => digit + digit).join("") : hex;
    const channel = (index: number) => parseInt(full.slice(index * 2, index * 2 + 2), 16);
    return {
      r: channel(0),
      g: channel(1),
      b: channel(2),
      a: full.length === 8 ? channel(3) / 255 : 1,
    };
  }
  const rgb = rgbPattern.exec(text);
  if (rgb) {
    const [r, g, b] = [rgb[1], rgb[2], rgb[3]].map(Number) as [number, number, number];
    if (r > 255 || g > 255 || b > 255) return undefined;
    let a = 1;
    if (rgb[4] !== undefined) {
      a = Number(rgb[4]) / (rgb[5] === "%" ? 100 : 1);
      if (!(a >= 0 && a <= 1)) return undefined;
    }
    return { r, g, b, a };
  }
  return undefined;
}

export function toCss({ r, g, b, a }: Rgba): string {
  return `rgba(${r}, ${g}, ${b}, ${a})`;
}

export function withAlpha(color: Rgba, alpha: number): Rgba {
  return { ...color, a: color.a * alpha };
}

/** Relative luminance (WCAG), for picking readable text over a colour. */
export function luminance({ r, g, b }: Rgba): number {
  const linear = (value: number) => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}
