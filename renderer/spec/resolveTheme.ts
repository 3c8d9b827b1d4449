// Resolves a card's theme: template default preset, then the chosen preset, then field overrides.
import type { PrimaryFontName } from "../fonts/catalog";
import { parseColor, type Rgba } from "./colors";
import type { CardSpec } from "./schema";
import { themePresets, type BackgroundSpec, type ThemePreset } from "./themes";

export type ResolvedBackground =
  | { kind: "solid"; color: Rgba }
  | { kind: "linear"; angle: number; stops: { color: Rgba; position?: number | undefined }[] };

export interface ResolvedTheme {
  background: ResolvedBackground;
  foreground: Rgba;
  accent: Rgba;
  muted: Rgba;
  font: PrimaryFontName;
}

function color(value: string): Rgba {
  const parsed = parseColor(value);
  // The schema has already accepted every colour; this guards presets edited by hand.
  if (!parsed) throw new Error(`theme colour ${JSON.stringify(value)} is not a colour`);
  return parsed;
}

function resolveBackground(background: BackgroundSpec): ResolvedBackground {
  if (typeof background === "string") return { kind: "solid", color: color(background) };
  return {
    kind: "linear",
    angle: background.angle,
    stops: background.stops.map((stop) => ({ color: color(stop.color), position: stop.position })),
  };
}

export function resolveTheme(
  spec: CardSpec,
  templateDefaults: { preset: ThemePreset; font: PrimaryFontName },
): ResolvedTheme {
  const overrides = spec.theme ?? {};
  const base = themePresets[overrides.preset ?? templateDefaults.preset];
  return {
    background: resolveBackground(overrides.background ?? base.background),
    foreground: color(overrides.foreground ?? base.foreground),
    accent: color(overrides.accent ?? base.accent),
    muted: color(overrides.muted ?? base.muted),
    font: overrides.font ?? templateDefaults.font,
  };
}

/** True when some pixel of the background may be translucent (the output then keeps alpha). */
export function backgroundHasAlpha(background: ResolvedBackground): boolean {
  return background.kind === "solid"
    ? background.color.a < 1
    : background.stops.some((stop) => stop.color.a < 1);
}
