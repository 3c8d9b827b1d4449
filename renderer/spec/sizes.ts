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

export type CardSize = SizePreset | { readonly width: number; readonly height: number };

/** A size's logical pixels. */
export function dimensionsOf(size: CardSize): { width: number; height: number } {
  return typeof size === "string" ? sizePresets[size] : size;
}

/**
 * A card's logical size: its own `size`, else its template's (a card of a template of its own may
 * leave it out), else og (what every built-in defaults to).
 */
export function cardDimensions(
  spec: { size?: CardSize | undefined },
  templateSize?: CardSize,
): { width: number; height: number } {
  return dimensionsOf(spec.size ?? templateSize ?? "og");
}

/** The card with its size filled in from its template's when it gave none. */
export function withTemplateSize<T extends { size?: CardSize | undefined }>(
  spec: T,
  templateSize: CardSize | undefined,
): T {
  return spec.size === undefined && templateSize !== undefined
    ? { ...spec, size: templateSize }
    : spec;
}
