// Built-in colour themes; a card's `theme` picks one by `preset` and may override any field.

export interface GradientSpec {
  type: "linear";
  /** CSS angle in degrees: 0 points up, 90 points right. */
  angle: number;
  stops: { color: string; position?: number | undefined }[];
}

export type BackgroundSpec = string | GradientSpec;

export interface ThemeColors {
  background: BackgroundSpec;
  foreground: string;
  accent: string;
  muted: string;
}

const gradient = (angle: number, ...colors: string[]): GradientSpec => ({
  type: "linear",
  angle,
  stops: colors.map((color) => ({ color })),
});

export const themePresets = {
  midnight: {
    background: gradient(135, "#0f172a", "#312e81", "#6d28d9"),
    foreground: "#f8fafc",
    accent: "#a5b4fc",
    muted: "#cbd5e1",
  },
  sunrise: {
    background: gradient(120, "#7c2d12", "#db2777", "#f59e0b"),
    foreground: "#ffffff",
    accent: "#fde68a",
    muted: "#ffe4e6",
  },
  ocean: {
    background: gradient(160, "#082f49", "#0e7490", "#14b8a6"),
    foreground: "#f0fdfa",
    accent: "#67e8f9",
    muted: "#ccfbf1",
  },
  forest: {
    background: gradient(145, "#052e16", "#166534", "#4d7c0f"),
    foreground: "#f7fee7",
    accent: "#bef264",
    muted: "#d9f99d",
  },
  paper: {
    background: "#faf7f2",
    foreground: "#1c1917",
    accent: "#c2410c",
    muted: "#57534e",
  },
  mono: {
    background: "#0a0a0a",
    foreground: "#fafafa",
    accent: "#facc15",
    muted: "#a3a3a3",
  },
} as const satisfies Record<string, ThemeColors>;

export type ThemePreset = keyof typeof themePresets;
export const themePresetNames = Object.keys(themePresets) as [ThemePreset, ...ThemePreset[]];
