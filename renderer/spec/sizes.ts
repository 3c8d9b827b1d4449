// Named output sizes (logical pixels, before `scale`).

export const sizePresets = {
  og: { width: 1200, height: 630 },
  linkedin: { width: 1200, height: 627 },
  x: { width: 1600, height: 900 },
  square: { width: 1080, height: 1080 },
  story: { width: 1080, height: 1920 },
} as const;

export type SizePreset = keyof typeof sizePresets;
export const sizePresetNames = Object.keys(sizePresets) as [SizePreset, ...SizePreset[]];
