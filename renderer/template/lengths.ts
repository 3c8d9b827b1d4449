// A template length in card px: px scale by `unit`, percentages stay with the parent, viewport units follow the card.
import { viewportLengthPattern } from "./schema";

/** What a length is resolved against: the card's size and the template's unit. */
export interface LengthFrame {
  width: number;
  height: number;
  /** Template px → card px. */
  unit: number;
}

export type YogaLength = number | `${number}%`;

/** `"10vmin"` → 10 % of the card's shorter side, in card px; undefined when not a viewport length. */
export function viewportLength(value: string, frame: LengthFrame): number | undefined {
  const match = viewportLengthPattern.exec(value);
  if (!match) return undefined;
  const [, sign, amount, kind] = match;
  const side = {
    vw: frame.width,
    vh: frame.height,
    vmin: Math.min(frame.width, frame.height),
    vmax: Math.max(frame.width, frame.height),
  }[kind as "vw" | "vh" | "vmin" | "vmax"];
  return ((sign === "-" ? -1 : 1) * Number(amount) * side) / 100;
}

export function lengthOf(
  value: number | string | undefined,
  frame: LengthFrame,
): YogaLength | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number") return value * frame.unit;
  return viewportLength(value, frame) ?? (value as `${number}%`);
}

/** A side list (`padding`, `margin`) as four card-px values: top, right, bottom, left. */
export function sidesOf(
  value: number | string | readonly (number | string)[] | undefined,
  frame: LengthFrame,
): number[] | undefined {
  if (value === undefined) return undefined;
  const sides = typeof value === "object" ? value : [value, value, value, value];
  return sides.map((side) =>
    typeof side === "number" ? side * frame.unit : (viewportLength(side, frame) ?? 0),
  );
}
