// renderCard: a validated card spec plus its image bytes in, one encoded image out. No I/O.
// (Implementation lands in the next commit; the signature is the contract jobs/ and cli/ build on.)
import type { CardSpec, ImageFormat } from "./spec/schema";

/** Image bytes by asset name, as loaded by the caller (the renderer reads no files or URLs of its own). */
export type AssetBytes = ReadonlyMap<string, Uint8Array>;

export interface RenderedCard {
  bytes: Buffer;
  format: ImageFormat;
  contentType: string;
  extension: string;
  /** Output size in pixels (after scale). */
  width: number;
  height: number;
  drawMs: number;
  encodeMs: number;
  /** Non-fatal notes, e.g. a title clamped with an ellipsis or characters no font covers. */
  warnings: string[];
}

/** The asset names a spec refers to: what the caller must load before rendering. */
export function assetNamesOf(spec: CardSpec): string[] {
  return [spec.logo, spec.background].filter((name): name is string => typeof name === "string");
}

export declare function renderCard(spec: CardSpec, assets?: AssetBytes): Promise<RenderedCard>;
