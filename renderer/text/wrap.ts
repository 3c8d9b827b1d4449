// Greedy line wrapping of text into a width, breaking inside over-long words (URLs) by grapheme.
import { breakPieces, graphemes } from "./breaks";

/** Width of a string in the current font, in pixels. */
export type Measure = (text: string) => number;

/** Splits one piece that is wider than the line into chunks that fit, at grapheme boundaries. */
function splitOversized(piece: string, maxWidth: number, measure: Measure): string[] {
  const chunks: string[] = [];
  let current = "";
  for (const grapheme of graphemes(piece)) {
    if (current && measure(current + grapheme) > maxWidth) {
      chunks.push(current);
      current = grapheme;
    } else {
      current += grapheme;
    }
  }
  if (current) chunks.push(current);
  return chunks;
}

/** Wraps text into lines no wider than `maxWidth` (a single grapheme wider than that stays alone). */
export function wrapText(text: string, maxWidth: number, measure: Measure): string[] {
  const lines: string[] = [];
  let line = "";
  const fits = (candidate: string) => measure(candidate.trimEnd()) <= maxWidth;
  for (const piece of breakPieces(text)) {
    if (fits(line + piece.text)) {
      line += piece.text;
    } else {
      if (line.trim()) lines.push(line.trimEnd());
      if (fits(piece.text)) {
        line = piece.text;
      } else {
        const chunks = splitOversized(piece.text.trimEnd(), maxWidth, measure);
        line = chunks.pop() ?? "";
        lines.push(...chunks);
      }
    }
    if (piece.forcedBreakAfter) {
      lines.push(line.trimEnd());
      line = "";
    }
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines;
}

const ellipsis = "…";

/** Shortens a line by graphemes until it and an ellipsis fit; trailing spaces and punctuation go first. */
export function withEllipsis(line: string, maxWidth: number, measure: Measure): string {
  const parts = graphemes(line);
  while (parts.length) {
    const candidate = parts.join("").replace(/[\s.,;:!?、，。\-–—]+$/u, "") + ellipsis;
    if (measure(candidate) <= maxWidth) return candidate;
    parts.pop();
  }
  return ellipsis;
}
