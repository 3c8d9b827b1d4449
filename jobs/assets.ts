// Loading the images a spec names (logo, background) from the `assets` container, by name only, size-bounded.
import { AssetError } from "../renderer/errors";
import { limits } from "../renderer/limits";
import { assetNamesOf, type AssetBytes } from "../renderer/render";
import type { CardSpec } from "../renderer/spec/schema";
import { isNotFound, storageCall } from "./errors";
import { names } from "./settings";
import type { JobStorage } from "./storage";

export type AssetLoader = (spec: CardSpec) => Promise<AssetBytes>;

function fieldNaming(spec: CardSpec, asset: string): string {
  return spec.logo === asset ? "logo" : "background";
}

/**
 * A loader that reads each asset once (a chunk's cards usually share a logo). Names come from the
 * validated spec (no URLs, no ".."), so nothing outside the container can be reached. Missing or
 * oversized assets throw AssetError (a permanent per-card failure); storage failures throw
 * TransientStorageError.
 */
export function createAssetLoader(storage: JobStorage): AssetLoader {
  const cache = new Map<string, Promise<Uint8Array>>();
  const load = async (spec: CardSpec, asset: string): Promise<Uint8Array> => {
    const field = fieldNaming(spec, asset);
    const blob = storage.assets.getBlobClient(asset);
    let size: number;
    try {
      size = (await blob.getProperties()).contentLength ?? 0;
    } catch (error) {
      if (isNotFound(error)) {
        throw new AssetError(
          field,
          asset,
          `not found in the "${names.containers.assets}" container`,
        );
      }
      return storageCall(`reading asset ${asset}`, () => Promise.reject(error));
    }
    if (size > limits.maxAssetBytes) {
      throw new AssetError(
        field,
        asset,
        `is ${size.toLocaleString("en-US")} bytes; expected at most ${limits.maxAssetBytes.toLocaleString("en-US")}`,
      );
    }
    try {
      // Exactly the size checked above: a blob that grew since is still read only that far.
      return await blob.downloadToBuffer(0, size);
    } catch (error) {
      if (isNotFound(error)) {
        throw new AssetError(
          field,
          asset,
          `was deleted from "${names.containers.assets}" while loading`,
        );
      }
      return storageCall(`downloading asset ${asset}`, () => Promise.reject(error));
    }
  };
  return async (spec) => {
    const entries = await Promise.all(
      assetNamesOf(spec).map(async (asset) => {
        let pending = cache.get(asset);
        if (!pending) {
          pending = load(spec, asset);
          cache.set(asset, pending);
          // A transient failure must not stick: the next card (or redelivery) tries again.
          pending.catch(() => cache.delete(asset));
        }
        return [asset, await pending] as const;
      }),
    );
    return new Map(entries);
  };
}
