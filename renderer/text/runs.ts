// Splits a line into runs drawn with one font order and one direction each, in visual order.
import { rightToLeft, type Direction } from "./direction";

/** A piece of a line drawn by one `fillText`: with the emoji font first or not, in one direction. */
export interface TextRun {
  text: string;
  /** Drawn with the colour emoji font first in the font list. */
  emoji: boolean;
  rtl: boolean;
}

/** Whether the card's primary font maps a code point (it would win over the emoji font). */
export type PrimaryMaps = (codePoint: number) => boolean;

/**
 * Emoji sequences after UTS #51's "possible emoji" grammar (as in fonts/loader.ts): the canvas
 * draws each character with the first font of the list that maps it and ignores VS16, so a
 * sequence with a code point the primary font maps (©️ ™️ 1️⃣) must be drawn as a run of its own.
 */
const emojiElement = String.raw`(?:\p{RI}\p{RI}|\p{Emoji}(?:\p{EMod}|\uFE0F\u20E3?|\u20E3|[\u{E0020}-\u{E007E}]+\u{E007F})|\p{Emoji_Presentation})`;
const emojiSequence = new RegExp(`${emojiElement}(?:\u200D${emojiElement})*`, "gu");
/** Cheap pre-check: a line without any of these has no emoji sequence at all. */
const mayHaveEmoji = /[\uFE0F\u20E3]|\p{Emoji_Presentation}/u;

function isJoinerOrSelector(codePoint: number): boolean {
  return codePoint === 0x200d || (codePoint >= 0xfe00 && codePoint <= 0xfe0f);
}

/** Bidi classes as far as run order needs them (UAX #9, simplified): strong, number, neutral. */
type BidiClass = "L" | "R" | "EN" | "N";

const strongLetter = /[\p{L}\p{Nl}]/u;
const digit = /\p{Nd}/u;
const mark = /\p{M}/u;

interface Unit {
  text: string;
  emoji: boolean;
  bidi: BidiClass;
}

/** The line as emoji sequences that need the emoji font, and single code points. */
function units(line: string, primaryMaps: PrimaryMaps): Unit[] | null {
  const result: Unit[] = [];
  let start = 0;
  let split = false;
  const pushText = (text: string) => {
    for (const character of text) {
      let bidi: BidiClass = "N";
      if (digit.test(character)) bidi = "EN";
      else if (rightToLeft.test(character)) bidi = "R";
      else if (strongLetter.test(character)) bidi = "L";
      else if (mark.test(character)) bidi = result[result.length - 1]?.bidi ?? "N";
      result.push({ text: character, emoji: false, bidi });
    }
  };
  for (const match of line.matchAll(emojiSequence)) {
    const sequence = match[0];
    const needsEmojiFont = [...sequence].some((character) => {
      const codePoint = character.codePointAt(0) ?? 0;
      return !isJoinerOrSelector(codePoint) && primaryMaps(codePoint);
    });
    if (!needsEmojiFont) continue;
    split = true;
    pushText(line.slice(start, match.index));
    result.push({ text: sequence, emoji: true, bidi: "N" });
    start = match.index + sequence.length;
  }
  if (!split) return null;
  pushText(line.slice(start));
  return result;
}

/**
 * Embedding levels (UAX #9 rules W7, N1, N2 and I1–I2 for a line without explicit embeddings):
 * numbers after a left-to-right letter count as left-to-right, neutrals between two sides of one
 * direction take it (numbers count as right-to-left for this), others take the line's direction.
 */
function levels(classes: readonly BidiClass[], paragraph: Direction): number[] {
  const base = paragraph === "rtl" ? 1 : 0;
  const resolved = [...classes];
  let previousStrong: "L" | "R" = paragraph === "rtl" ? "R" : "L";
  resolved.forEach((bidi, index) => {
    if (bidi === "L" || bidi === "R") previousStrong = bidi;
    else if (bidi === "EN" && previousStrong === "L") resolved[index] = "L";
  });
  const side = (bidi: BidiClass | undefined): "L" | "R" | undefined =>
    bidi === "L" ? "L" : bidi === "R" || bidi === "EN" ? "R" : undefined;
  const paragraphSide = paragraph === "rtl" ? "R" : "L";
  for (let index = 0; index < resolved.length;) {
    if (resolved[index] !== "N") {
      index += 1;
      continue;
    }
    let end = index;
    while (resolved[end] === "N") end += 1;
    const before = index === 0 ? paragraphSide : side(resolved[index - 1]);
    const after = end === resolved.length ? paragraphSide : side(resolved[end]);
    const direction = before === after && before ? before : paragraphSide;
    for (let position = index; position < end; position += 1) resolved[position] = direction;
    index = end;
  }
  return resolved.map((bidi) => {
    if (base === 0) return bidi === "L" ? 0 : bidi === "R" ? 1 : 2;
    return bidi === "R" ? 1 : 2;
  });
}

/** Rule L2: reverses every maximal sequence at or above each level, from the highest down to 1. */
function visualOrder<T extends { level: number }>(runs: T[]): T[] {
  const ordered = [...runs];
  const highest = Math.max(0, ...ordered.map((run) => run.level));
  for (let level = highest; level >= 1; level -= 1) {
    for (let index = 0; index < ordered.length;) {
      if ((ordered[index]?.level ?? 0) < level) {
        index += 1;
        continue;
      }
      let end = index;
      while (end < ordered.length && (ordered[end]?.level ?? 0) >= level) end += 1;
      ordered.splice(index, end - index, ...ordered.slice(index, end).reverse());
      index = end;
    }
  }
  return ordered;
}

/**
 * The runs of a line in visual order (left to right), or null when the line has no emoji sequence
 * that needs the emoji font: then it is drawn as one string, as the canvas lays it out.
 */
export function splitRuns(
  line: string,
  direction: Direction,
  primaryMaps: PrimaryMaps,
): TextRun[] | null {
  if (!mayHaveEmoji.test(line)) return null;
  const parts = units(line, primaryMaps);
  if (!parts) return null;
  const unitLevels = levels(
    parts.map((part) => part.bidi),
    direction,
  );
  const runs: { text: string; emoji: boolean; level: number }[] = [];
  parts.forEach((part, index) => {
    const level = unitLevels[index] ?? 0;
    const last = runs[runs.length - 1];
    if (last && last.emoji === part.emoji && last.level === level) last.text += part.text;
    else runs.push({ text: part.text, emoji: part.emoji, level });
  });
  return visualOrder(runs).map((run) => ({
    text: run.text,
    emoji: run.emoji,
    rtl: run.level % 2 === 1,
  }));
}
