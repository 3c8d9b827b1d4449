// Every limit of a card spec and its inputs, defined once.

export const limits = {
  /** Smallest and largest logical width or height, before `scale`. */
  minDimension: 64,
  maxDimension: 4096,
  /** Largest output side in pixels after `scale` (WebP's own limit is 16383). */
  maxOutputSide: 16_383,
  /** Largest output pixel count after `scale` (4096 × 4096 ≈ 16.8 MP). */
  maxOutputPixels: 16_777_216,
  minScale: 1,
  maxScale: 3,
  /** Text lengths, in Unicode code points. */
  text: { title: 300, subtitle: 500, eyebrow: 80, footer: 120, author: 80 },
  maxTitleLines: 6,
  maxItemsPerBatch: 1000,
  maxMetadataEntries: 32,
  maxMetadataValueLength: 256,
  maxIdLength: 128,
  maxAssetNameLength: 256,
  /** Image inputs: encoded size and declared pixel count, checked before decoding. */
  maxAssetBytes: 10 * 1024 * 1024,
  maxAssetPixels: 25_000_000,
  maxGradientStops: 8,
} as const;
