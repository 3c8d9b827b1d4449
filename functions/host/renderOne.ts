// One card synchronously (POST /api/render): validate, load its assets, render; no queue, no stored output.
import { assetNamesOf, renderCard, type RenderedCard } from "../../renderer/render";
import { isBatchFile, parseCardSpec } from "../../renderer/spec/validate";
import { createAssetLoader } from "../../jobs/assets";
import { RequestBodyError } from "./httpErrors";
import { renderCost, sharedRenderGate, type RenderGate } from "../../jobs/renderGate";
import { createBatchPath } from "./triggers";
import type { JobStorage } from "../../jobs/storage";

/**
 * Storage is opened only when the spec names assets: plain cards render without it. The render
 * (assets included) waits for its share of the process's memory gate, as queue chunks do.
 */
export async function renderSingleCard(
  json: unknown,
  openStorage: () => Promise<JobStorage>,
  gate: RenderGate = sharedRenderGate(),
): Promise<RenderedCard> {
  if (isBatchFile(json)) {
    throw new RequestBodyError(
      `expected one card spec, received a batch file (with "items"); POST it to ${createBatchPath()} instead`,
    );
  }
  const spec = parseCardSpec(json);
  return gate.run(renderCost(spec), async () => {
    const assets = assetNamesOf(spec).length
      ? await createAssetLoader(await openStorage())(spec)
      : new Map<string, Uint8Array>();
    return renderCard(spec, assets);
  });
}
