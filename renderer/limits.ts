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
  /** Template documents (renderer/template/schema.ts): every part of a template is bounded. */
  template: {
    /** Encoded size of one template document. */
    maxDocumentBytes: 256 * 1024,
    maxNodes: 200,
    maxDepth: 16,
    maxParams: 40,
    maxParamNameLength: 40,
    /** Characters of one param's value (a text param's maxLength may be lower, never higher). */
    maxParamLength: 1000,
    /** Characters of a text node's literal text, before placeholders are filled. */
    maxLiteralText: 1000,
    maxTextNodes: 40,
    maxImageNodes: 16,
    maxLines: 12,
    maxFonts: 8,
    /** Encoded size of one brand font file; CJK brand fonts run to 10–20 MB. */
    maxFontBytes: 24 * 1024 * 1024,
    maxNameLength: 128,
  },
  /**
   * Largest estimated render time of one card, in ms of one reference core (renderer/spec/cost.ts):
   * far inside a synchronous request, and a chunk holds at least 15 of the worst cards; what fits
   * under it: docs/reliability.md, "Cost limits".
   */
  maxCardRenderMs: 10_000,
  /**
   * What the renderer keeps between cards, per canvas engine, in estimated native bytes
   * (width × height × 4). Images are decoded at the size a template draws them, so one entry is
   * at most an output-sized canvas (4096 × 4096 × 4 = 64 MiB); a larger entry is used once and
   * not kept. See docs/reliability.md.
   */
  cacheBudgets: {
    decodedImageBytes: 64 * 1024 * 1024,
    gradientBytes: 32 * 1024 * 1024,
    /**
     * Brand font files registered with the engine, in encoded bytes (natively ~2× for WOFF2,
     * decoded, plus glyph caches). Registration lasts the life of the process (Skia frees no
     * memory on removal: measured); past this, a card needing a new file fails with
     * BrandFontBudgetError, not permanent (renderer/fonts/brandFontRegistry.ts).
     */
    brandFontBytes: 64 * 1024 * 1024,
  },
} as const;

/**
 * Largest encoded asset of a kind, the bound every reader and uploader checks: an image's
 * limits.maxAssetBytes, a brand font file's limits.template.maxFontBytes.
 */
export function maxAssetBytesOf(kind: "image" | "font"): number {
  return kind === "font" ? limits.template.maxFontBytes : limits.maxAssetBytes;
}
