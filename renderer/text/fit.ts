// Auto-fit: the largest font size whose wrapped text fits a box; below the minimum, clamp with an ellipsis.
import { breakPieces, type BreakPiece } from "./breaks";
import { withEllipsis, wrapPieces, type Measure } from "./wrap";

export interface FitOptions {
  text: string;
  maxWidth: number;
  maxHeight: number;
  maxLines: number;
  minSize: number;
  maxSize: number;
  /** Line height as a multiple of the font size. */
  lineHeight: number;
  /** A measure for text at a given font size. */
  measureAt: (size: number) => Measure;
  /** Check every line of every size tried by measuring it whole (see WrapOptions). */
  checkLines?: boolean;
}

export interface FittedText {
  size: number;
  lines: string[];
  /** True when the text did not fit even at the minimum size and was cut with an ellipsis. */
  clamped: boolean;
}

/**
 * Each size tried wraps the same break pieces: segmentation runs once, and wrapping is linear in the
 * text, so a fit costs O(n log(maxSize − minSize)) with a measure that caches by text.
 */
function layoutAt(options: FitOptions, pieces: readonly BreakPiece[], size: number) {
  const lines = wrapPieces(pieces, options.maxWidth, options.measureAt(size), {
    checkLines: options.checkLines ?? false,
  });
  const fits =
    lines.length <= options.maxLines &&
    lines.length * size * options.lineHeight <= options.maxHeight + 0.5;
  return { lines, fits };
}

export function fitText(options: FitOptions): FittedText {
  const minSize = Math.max(1, Math.floor(Math.min(options.minSize, options.maxSize)));
  let low = minSize;
  let high = Math.max(minSize, Math.floor(options.maxSize));
  const pieces = breakPieces(options.text);
  const best = layoutAt(options, pieces, low);
  if (!best.fits) {
    // Too long even at the minimum: keep as many lines as fit and end the last with an ellipsis.
    const linesThatFit = Math.max(
      1,
      Math.min(
        options.maxLines,
        Math.floor((options.maxHeight + 0.5) / (minSize * options.lineHeight)),
      ),
    );
    const measure = options.measureAt(minSize);
    const kept = best.lines.slice(0, linesThatFit);
    kept[kept.length - 1] = withEllipsis(kept[kept.length - 1] ?? "", options.maxWidth, measure);
    return { size: minSize, lines: kept, clamped: true };
  }
  let bestSize = low;
  let bestLines = best.lines;
  // Binary search on whole pixel sizes; fitting is monotonic except for rare wrapping jitter.
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    const attempt = layoutAt(options, pieces, middle);
    if (attempt.fits) {
      low = middle;
      bestSize = middle;
      bestLines = attempt.lines;
    } else {
      high = middle - 1;
    }
  }
  return { size: bestSize, lines: bestLines, clamped: false };
}
