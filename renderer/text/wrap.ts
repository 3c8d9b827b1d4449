// Greedy line wrapping in time linear in the text: each piece measured once, each line checked once.
import { breakPieces, graphemes, type BreakPiece } from "./breaks";

/** Width of a string in the current font, in pixels. */
export type Measure = (text: string) => number;

/**
 * The largest `count` in [1, `limit`] for which `fits(count)` holds, assuming `fits` is monotonic
 * (a longer prefix is never narrower); 1 when none fits. Starts from an estimate and gallops, so a
 * good estimate costs two checks and a bad one O(log limit).
 */
function longestFitting(limit: number, estimate: number, fits: (count: number) => boolean): number {
  let guess = Math.min(limit, Math.max(1, estimate));
  let low: number; // fits (or 1)
  let high: number; // does not fit (or limit + 1)
  if (fits(guess)) {
    low = guess;
    let step = 1;
    for (;;) {
      if (low === limit) return low;
      guess = Math.min(limit, low + step);
      if (!fits(guess)) {
        high = guess;
        break;
      }
      low = guess;
      step *= 2;
    }
  } else {
    low = 1;
    high = guess;
  }
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (fits(middle)) low = middle;
    else high = middle;
  }
  return low;
}

/**
 * Splits one piece that is wider than the line into chunks that fit, at grapheme boundaries. Each
 * distinct grapheme is measured once; the running sum of their widths places each break, and one
 * measure of the chunk confirms it (shaping can make a chunk wider or narrower than its parts).
 */
function splitOversized(piece: string, maxWidth: number, measure: Measure): string[] {
  const parts = graphemes(piece);
  const widths = parts.map((part) => measure(part));
  const chunks: string[] = [];
  for (let start = 0; start < parts.length;) {
    let estimate = 0;
    for (let sum = 0; start + estimate < parts.length; estimate++) {
      sum += widths[start + estimate] ?? 0;
      if (sum > maxWidth) break;
    }
    const chunkOf = (count: number) => parts.slice(start, start + count).join("");
    const count = longestFitting(
      parts.length - start,
      estimate,
      (candidate) => measure(chunkOf(candidate)) <= maxWidth,
    );
    chunks.push(chunkOf(count));
    start += count;
  }
  return chunks;
}

/** A piece of text placed on a line, with its measured width including trailing spaces. */
interface Placed {
  text: string;
  width: number;
  forcedBreakAfter: boolean;
}

export interface WrapOptions {
  /**
   * Measure each full line once and move pieces to the next line if it is wider than the sum of
   * its pieces (kerning or shaping across a break). Off while a fit tries sizes: it then checks
   * only the lines it keeps, and wraps again with this on if one of them is too wide.
   */
  checkLines?: boolean;
}

const textOf = (placed: readonly Placed[]) =>
  placed
    .map((part) => part.text)
    .join("")
    .trimEnd();

/** The lines wrapped so far and the one being filled, from pieces placed one at a time. */
class LineFiller {
  readonly lines: string[] = [];
  private line: Placed[] = [];
  private lineWidth = 0;
  /** Pieces moved back from a full line, to be placed again before the next piece (a stack). */
  readonly pending: Placed[] = [];

  constructor(
    private readonly maxWidth: number,
    private readonly measure: Measure,
    private readonly checkLines: boolean,
  ) {}

  /** Adds a piece to the line, or closes the line (the piece waits in `pending`) if it does not fit. */
  place(placed: Placed, trimmed: string, trimmedWidth: number): void {
    if (this.lineWidth + trimmedWidth > this.maxWidth && this.line.length) {
      // Back on the stack first: pieces a too-wide line gives back must come out before it.
      this.pending.push(placed);
      this.closeLine(false);
      return;
    }
    if (trimmedWidth <= this.maxWidth || !trimmed) {
      this.line.push(placed);
      this.lineWidth += placed.width;
    } else {
      // Alone and still too wide (a URL, a Korean or Thai sentence without spaces).
      const chunks = splitOversized(trimmed, this.maxWidth, this.measure);
      // The piece's trailing spaces stay with its last chunk, before the next word.
      const last = (chunks.pop() ?? "") + placed.text.slice(trimmed.length);
      this.lines.push(...chunks);
      this.startLine({
        text: last,
        width: this.measure(last),
        forcedBreakAfter: placed.forcedBreakAfter,
      });
    }
    if (placed.forcedBreakAfter) this.closeLine(true);
  }

  /** Ends the current line, moving its last pieces to `pending` if the line measures too wide. */
  closeLine(keepEmpty: boolean): void {
    const { line, maxWidth, measure } = this;
    const text = textOf(line);
    if (!text.trim()) {
      if (keepEmpty) this.lines.push(text);
      this.startLine();
      return;
    }
    let kept = line.length;
    if (this.checkLines && line.length > 1 && measure(text) > maxWidth) {
      kept = longestFitting(
        line.length,
        line.length - 1,
        (count) => measure(textOf(line.slice(0, count))) <= maxWidth,
      );
      const moved = line.slice(kept);
      // A forced break after the last piece moves with it.
      for (let index = moved.length - 1; index >= 0; index--) {
        this.pending.push(moved[index] as Placed);
      }
    }
    this.lines.push(textOf(line.slice(0, kept)));
    this.startLine();
  }

  private startLine(first?: Placed): void {
    this.line = first ? [first] : [];
    this.lineWidth = first?.width ?? 0;
  }
}

/**
 * Wraps break pieces into lines no wider than `maxWidth` (a single grapheme wider than that stays
 * alone). A line is filled by adding the measured widths of its pieces, so the work is linear in
 * the text. `measure` should cache by text: a piece repeated in the text is then measured once.
 */
export function wrapPieces(
  pieces: readonly BreakPiece[],
  maxWidth: number,
  measure: Measure,
  { checkLines = true }: WrapOptions = {},
): string[] {
  const filler = new LineFiller(maxWidth, measure, checkLines);
  let next = 0;
  const take = (): Placed | BreakPiece | undefined => filler.pending.pop() ?? pieces[next++];
  for (let piece = take(); piece; piece = take()) {
    const width = "width" in piece ? piece.width : measure(piece.text);
    const trimmed = piece.text.trimEnd();
    const trimmedWidth = trimmed === piece.text ? width : measure(trimmed);
    const placed: Placed = { text: piece.text, width, forcedBreakAfter: piece.forcedBreakAfter };
    filler.place(placed, trimmed, trimmedWidth);
  }
  filler.closeLine(false);
  return filler.lines;
}

/** Wraps text into lines no wider than `maxWidth` (a single grapheme wider than that stays alone). */
export function wrapText(text: string, maxWidth: number, measure: Measure): string[] {
  return wrapPieces(breakPieces(text), maxWidth, measure);
}

const ellipsis = "…";
const trailingPunctuation = /[\s.,;:!?、，。\-–—]+$/u;

/**
 * Shortens a line to the most graphemes that fit with an ellipsis; trailing spaces and punctuation
 * go first. The graphemes' summed widths give the first guess, whole candidates confirm it: two
 * measures when the sum is exact, O(log n) otherwise.
 */
export function withEllipsis(line: string, maxWidth: number, measure: Measure): string {
  const parts = graphemes(line);
  const candidate = (count: number) =>
    parts.slice(0, count).join("").replace(trailingPunctuation, "") + ellipsis;
  if (!parts.length) return ellipsis;
  const fits = (count: number) => measure(candidate(count)) <= maxWidth;
  if (fits(parts.length)) return candidate(parts.length);
  if (!fits(1)) return ellipsis;
  let estimate = 0;
  for (let sum = measure(ellipsis); estimate < parts.length; estimate++) {
    sum += measure(parts[estimate] ?? "");
    if (sum > maxWidth) break;
  }
  return candidate(longestFitting(parts.length - 1, estimate, fits));
}
