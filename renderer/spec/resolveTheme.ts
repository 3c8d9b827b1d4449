// A resolved (parsed) background — a solid colour or a linear gradient — and whether it may be translucent.
import type { Rgba } from "./colors";

export type ResolvedBackground =
  | { kind: "solid"; color: Rgba }
  | { kind: "linear"; angle: number; stops: { color: Rgba; position?: number | undefined }[] };

/** True when some pixel of the background may be translucent (the output then keeps alpha). */
export function backgroundHasAlpha(background: ResolvedBackground): boolean {
  return background.kind === "solid"
    ? background.color.a < 1
    : background.stops.some((stop) => stop.color.a < 1);
}
