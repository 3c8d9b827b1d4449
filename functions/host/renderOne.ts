// One card synchronously (POST /api/render): validate, load its assets, render; no queue, no stored output.
import {
  assetNamesOf,
  isBatchFile,
  parseCardSpec,
  renderCard,
  withTemplateSize,
  type RenderedCard,
} from "../../renderer";
import {
  createAssetLoader,
  type JobStorage,
  renderCost,
  type RenderGate,
  resolveTemplateVersion,
  sharedRenderGate,
  templateForCard,
  usesStoredTemplate,
} from "../../jobs";
import { RequestBodyError } from "./httpErrors";
import { createBatchPath } from "./triggers";

/**
 * Storage is opened only when the spec names assets or a stored template: plain cards render
 * without it. A stored template is its current version, or the one `templateVersion` names. The
 * render (assets included) waits for its share of the process's memory gate, as queue chunks do.
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
  const storage = usesStoredTemplate(spec) ? await openStorage() : undefined;
  const template = storage
    ? await templateForCard(storage, spec, [], (name) => resolveTemplateVersion(storage, name))
    : undefined;
  const sized = withTemplateSize(spec, template?.document.size);
  return gate.run(renderCost(sized), async () => {
    const assets =
      template || assetNamesOf(sized).length
        ? await createAssetLoader(storage ?? (await openStorage()))(sized, [], template)
        : new Map<string, Uint8Array>();
    return renderCard(sized, assets, undefined, template);
  });
}
