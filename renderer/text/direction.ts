// Base text direction from the first strong character (the Unicode bidi rule P2), for alignment.

export const rightToLeft =
  /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFC]|[\u{10800}-\u{10FFF}]|[\u{1E800}-\u{1EFFF}]/u;
const strong = /[\p{L}\p{Nl}]/u;

export type Direction = "ltr" | "rtl";

export function detectDirection(text: string): Direction {
  for (const character of text) {
    if (rightToLeft.test(character)) return "rtl";
    if (strong.test(character)) return "ltr";
  }
  return "ltr";
}

export function resolveDirection(requested: "auto" | Direction, text: string): Direction {
  return requested === "auto" ? detectDirection(text) : requested;
}
