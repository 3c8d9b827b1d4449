// One card synchronously (POST /api/render): validate, load its assets, render; no queue, no stored output.
import {
  assetNamesOf,
  isBatchFile,
  parseCardSpec,
  renderCard,
  type RenderedCard,
} from "../../renderer";
import {
  createAssetLoader,
  type JobStorage,
  renderCost,
  type RenderGate,
  sharedRenderGate,
} from "../../jobs";
import { RequestBodyError } from "./httpErrors";
import { createBatchPath } from "./triggers";

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
