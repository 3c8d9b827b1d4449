// Reads which code points a font file (WOFF2, WOFF, TTF or OTF) really maps to a glyph, with fontkit.
import fs from "node:fs";
import type * as Fontkit from "fontkit";
import { FontFileError } from "../errors";
import { rangesOfCodePoints, type CodePointRanges } from "./codePointRanges";

export { FontFileError };

let fontkitModule: typeof Fontkit | undefined;

/**
 * fontkit is loaded on first use only: loading it takes ~0.6 s (measured), and a render normally
 * reads coverage from the generated index instead (see shippedCoverage.ts).
 */
function fontkit(): typeof Fontkit {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  fontkitModule ??= require("fontkit") as typeof Fontkit;
  return fontkitModule;
}

/** Opens a font file; a collection (TTC) is rejected, as cardpress registers single fonts. */
export function openFont(bytes: Buffer, file = "font"): Fontkit.Font {
  let font: Fontkit.Font | Fontkit.FontCollection;
  try {
    font = fontkit().create(bytes);
  } catch (error) {
    throw new FontFileError(
      `${file} is not a font fontkit can read (expected WOFF2, WOFF, TTF or OTF): ${(error as Error).message}`,
    );
  }
  if ("fonts" in font) {
    throw new FontFileError(
      `${file} is a font collection of ${font.fonts.length} fonts; expected a single font`,
    );
  }
  return font;
}

/** The code points a font maps to a glyph other than .notdef (glyph 0), from its cmap. */
function fontCodePoints(font: Fontkit.Font): CodePointRanges {
  return rangesOfCodePoints(
    font.characterSet.filter((codePoint) => font.glyphForCodePoint(codePoint).id !== 0),
  );
}

/** The code points a font file maps, read from the file. */
export function fontFileCodePoints(file: string): CodePointRanges {
  return fontCodePoints(openFont(fs.readFileSync(file), file));
}
