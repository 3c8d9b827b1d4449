// Where a line may break: Unicode line breaking (UAX #14), and grapheme clusters for words too long to fit.
import LineBreaker from "linebreak";

/** A run of text that must stay on one line, with whether a newline forces a break after it. */
export interface BreakPiece {
  text: string;
  forcedBreakAfter: boolean;
}

// Mandatory line breaks of UAX #14 (BK, CR, LF, NL classes).
// eslint-disable-next-line no-control-regex -- vertical tab and form feed are mandatory breaks
const trailingLineBreaks = /[\n\r\u2028\u2029\u000b\u000c\u0085]+$/;

/** Hangul jamo, compatibility jamo and syllables (all in the BMP). */
function isHangul(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x11ff) ||
    (code >= 0x3130 && code <= 0x318f) ||
    (code >= 0xac00 && code <= 0xd7af)
  );
}

/**
 * Splits text at its break opportunities. Spaces stay at the end of the piece before them; CJK
 * ideographs are pieces of their own (UAX #14 allows breaks between them, not before "，" or "。").
 */
export function breakPieces(text: string): BreakPiece[] {
  const pieces: BreakPiece[] = [];
  const breaker = new LineBreaker(text);
  let start = 0;
  for (let opportunity = breaker.nextBreak(); opportunity; opportunity = breaker.nextBreak()) {
    // Korean keeps words whole (CSS word-break: keep-all): UAX #14 alone would break between
    // any two Hangul syllables, splitting words mid-way.
    if (
      !opportunity.required &&
      isHangul(text.charCodeAt(opportunity.position - 1)) &&
      isHangul(text.charCodeAt(opportunity.position))
    ) {
      continue;
    }
    const piece = text.slice(start, opportunity.position);
    start = opportunity.position;
    if (!piece) continue;
    const forced = opportunity.required && trailingLineBreaks.test(piece);
    pieces.push({
      text: forced ? piece.replace(trailingLineBreaks, "") : piece,
      forcedBreakAfter: forced,
    });
  }
  const rest = text.slice(start);
  if (rest) pieces.push({ text: rest, forcedBreakAfter: false });
  return pieces;
}

// Created on first use: ICU's segmenter costs ~20 ms to build, and most cards never need it
// (only over-long words and ellipses do), which a one-card `cardpress render` would pay for.
let graphemeSegmenter: Intl.Segmenter | undefined;

/** User-perceived characters: an emoji with modifiers or a flag stays whole. */
export function graphemes(text: string): string[] {
  graphemeSegmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  return Array.from(graphemeSegmenter.segment(text), (segment) => segment.segment);
}
