// `cardpress enqueue <batch.json>`: uploads the batch's local assets, then validates and queues the batch.
import path from "node:path";
import {
  AssetChangedError,
  assetFieldsOf,
  enqueueBatch,
  type EnqueuedBatch,
  ensureStorageResources,
  getTemplate,
  type JobStorage,
  MissingAssetsError,
  TemplateNotFoundError as StoredTemplateNotFoundError,
} from "../../jobs";
import { names, readSettings, type Settings } from "../../settings";
import {
  type CardSpec,
  isBuiltinTemplate,
  parseBatchFile,
  type ParsedTemplate,
} from "../../renderer";
import { type AssetUpload, type LocalAssetFile, uploadLocalAssets } from "../assetUpload";
import { localTemplatesOf } from "../batchTemplates";
import { openCliStorage } from "../connection";
import { UserError } from "../errors";
import { batchExitCode, enqueueExitCode } from "../exitCodes";
import { note, printJson } from "../output";
import { downloadBatch, printDownloaded } from "./download";
import { LocalTemplateResolver } from "../localTemplates";
import type { CommonOptions } from "./options";
import { readJsonFile } from "./render";
import { noteTemplateAssets, pushLocalTemplate, type PushedLocalTemplate } from "./templatesStore";
import { printStatus } from "./status";
import { progressMode, waitForBatch } from "./wait";

/** The flags of `cardpress enqueue`, as commander parses them. */
export interface EnqueueFlags extends CommonOptions {
  wait?: boolean;
  /** Download the images here after waiting (implies --wait). */
  download?: string;
  /** Longest wait, in ms. */
  timeout: number;
  /** Folder template names are looked up in before storage (default: templates/ beside the batch). */
  templates?: string;
}

export type { AssetUpload };

export interface EnqueueResult extends EnqueuedBatch {
  file: string;
  assets: AssetUpload;
  /** Local templates the batch uses, pushed before it was queued; its cards pin these versions. */
  templates: PushedLocalTemplate[];
}

/** The template of a card, when it has one: `byItem` for local files, else the stored one (read once per name). */
export type TemplateOfItem = (index: number, spec: CardSpec) => Promise<ParsedTemplate | undefined>;

/**
 * A card's stored template, when it names one (for its image params): a name storage does not
 * hold is left to enqueueBatch, which rejects the card naming it.
 */
function storedTemplates(storage: JobStorage): TemplateOfItem {
  const read = new Map<string, Promise<ParsedTemplate | undefined>>();
  return (_index, spec) => {
    if (isBuiltinTemplate(spec.template)) return Promise.resolve(undefined);
    let template = read.get(spec.template);
    if (!template) {
      template = getTemplate(storage, spec.template).then(
        (stored) => stored.template,
        (error: unknown) => {
          if (error instanceof StoredTemplateNotFoundError) return undefined;
          throw error;
        },
      );
      read.set(spec.template, template);
    }
    return template;
  };
}

/**
 * Asset names in specs resolve relative to the batch file's folder (as `cardpress render` does);
 * each is uploaded under its name, so the worker's lookup by name finds it. Every local file is
 * checked as the worker would (size, format, a complete decode) before anything is uploaded: a
 * bad one is a UserError naming the file. Unchanged assets are not written again. A name that held
 * other bytes is replaced, and said so: the assets namespace is shared, but every queued batch
 * renders the version it pinned when it was created (jobs/batchCreation.ts), so replacing is safe
 * for them; it changes what later batches naming the asset without a file get. A card's template
 * adds its image params (beside the batch too); the template's own files (fonts, fixed images,
 * defaults) are uploaded with the template, not from here.
 */
export async function uploadBatchAssets(
  storage: JobStorage,
  batchFile: unknown,
  baseDir: string,
  singleCardId?: string,
  templateOf: TemplateOfItem = storedTemplates(storage),
): Promise<AssetUpload> {
  // Validation errors surface here already, before anything is uploaded.
  const parsed = parseBatchFile(batchFile, { singleCardId });
  const files: LocalAssetFile[] = [];
  for (const item of parsed.items) {
    if (!item.spec) continue;
    const template = await templateOf(item.index, item.spec);
    for (const { field, asset, kind } of assetFieldsOf(item.spec, template)) {
      if (field.startsWith("template.")) continue;
      files.push({ name: asset, file: path.join(baseDir, asset), kind });
    }
  }
  return uploadLocalAssets(storage, files);
}

/** A batch naming assets neither next to it nor in storage: says where each was looked for. */
function missingAssetsError(error: MissingAssetsError, file: string, baseDir: string): UserError {
  const lines = error.missing.map((asset) => {
    const paths = error.references
      .filter((reference) => reference.asset === asset)
      .map((reference) => reference.path);
    const shown =
      paths.slice(0, 3).join(", ") + (paths.length > 3 ? `, and ${paths.length - 3} more` : "");
    return `${JSON.stringify(asset)} (${shown}): no file ${path.join(baseDir, asset)}, no blob in container "${names.containers.assets}"`;
  });
  return new UserError(
    `${file} names ${lines.length === 1 ? "an asset" : `${lines.length} assets`} that cannot be found, nothing was queued:\n  ${lines.join("\n  ")}\nput the files next to the batch file (names resolve against ${baseDir}) or upload them first`,
  );
}

/**
 * Queues a batch (or lone card) file. Local templates it names (`./x.json`, or a name found as
 * `<templates>/<name>.json`) are read and validated first, then pushed with their files, and the
 * queued cards name them by stored name pinned by hash: the batch renders what was pushed, byte
 * for byte, whatever is pushed under that name later.
 */
export async function enqueueFile(
  storage: JobStorage,
  file: string,
  settings: Settings = readSettings(),
  options: { templatesDir?: string | undefined } = {},
): Promise<EnqueueResult> {
  const baseDir = path.dirname(path.resolve(file));
  const local = localTemplatesOf(
    readJsonFile(file),
    new LocalTemplateResolver({ baseDir, templatesDir: options.templatesDir }),
  );
  const batchFile = local.pinned;
  await ensureStorageResources(storage);
  // A lone card without an id is named after its file, as `cardpress render` names it.
  const singleCardId = path.basename(file).replace(/\.json$/i, "");
  // Checked before anything is pushed: a batch that cannot be queued stores no template.
  parseBatchFile(batchFile, { singleCardId });
  const templates: PushedLocalTemplate[] = [];
  for (const template of local.templates.values()) {
    templates.push(await pushLocalTemplate(storage, template));
  }
  const stored = storedTemplates(storage);
  const assets = await uploadBatchAssets(
    storage,
    batchFile,
    baseDir,
    singleCardId,
    async (index, spec) => local.byItem.get(index)?.parsed ?? (await stored(index, spec)),
  );
  // The batch pins the versions just uploaded, the templates' files included.
  const expectedAssets = new Map([
    ...templates.flatMap((template) => [...template.assets.etags]),
    ...assets.etags,
  ]);
  try {
    const batch = await enqueueBatch(storage, batchFile, {
      settings,
      singleCardId,
      // The batch pins the versions just uploaded, not whatever another writer put there since.
      expectedAssets,
    });
    return { file, assets, templates, ...batch };
  } catch (error) {
    if (error instanceof MissingAssetsError) throw missingAssetsError(error, file, baseDir);
    if (error instanceof AssetChangedError) {
      throw new UserError(
        `${error.message}\nsomeone else is writing assets under the same ${error.assets.length === 1 ? "name" : "names"}; choose names of your own (e.g. a folder: brand-x/logo.png)`,
      );
    }
    throw error;
  }
}

export function printEnqueued(result: EnqueueResult): void {
  for (const template of result.templates) {
    noteTemplateAssets(template);
    note(
      `cardpress: template ${template.name} ${template.status === "unchanged" ? "already stored" : template.status} from ${template.file}; cards pin version ${template.hash.slice(0, 12)}…`,
    );
  }
  for (const name of result.assets.missing) {
    note(
      `cardpress: asset ${name} has no file next to ${result.file}; using the one already in storage`,
    );
  }
  for (const name of result.assets.replaced) {
    note(
      `cardpress: asset ${name} replaced other bytes stored under that name (batches queued before keep the version they pinned; later batches naming it get this file)`,
    );
  }
  for (const warning of result.warnings) note(`cardpress: warning: ${warning}`);
  const { uploaded, unchanged } = result.assets;
  console.log(
    `batch ${result.batchId}: ${result.accepted}/${result.total} cards queued in ${result.chunkCount} chunks` +
      `${result.rejected.length ? `, ${result.rejected.length} rejected` : ""}; ${uploaded.length} assets uploaded` +
      `${unchanged.length ? ` (${unchanged.length} unchanged)` : ""}`,
  );
  for (const item of result.rejected) console.log(`  ✖ ${item.id}: ${item.error.message}`);
}

/**
 * The whole `enqueue` command: queue; without --wait that is all (exit code from the rejected
 * cards); with --wait or --download, wait and report the batch as `status` or `download` would,
 * with the exit code of the batch's state.
 */
export async function runEnqueueCommand(file: string, flags: EnqueueFlags): Promise<void> {
  const storage = openCliStorage(flags);
  const enqueued = await enqueueFile(storage, file, undefined, { templatesDir: flags.templates });
  if (!flags.wait && !flags.download) {
    if (flags.json) printJson(enqueued);
    else printEnqueued(enqueued);
    process.exitCode = enqueueExitCode(enqueued);
    return;
  }
  if (!flags.json) printEnqueued(enqueued);
  const status = await waitForBatch(storage, enqueued.batchId, {
    timeoutMs: flags.timeout,
    intervalMs: 500,
    progress: progressMode(flags.json),
  });
  const downloaded = flags.download
    ? await downloadBatch(storage, enqueued.batchId, flags.download)
    : undefined;
  if (flags.json) printJson({ ...enqueued, status, ...(downloaded ? { downloaded } : {}) });
  else if (downloaded) printDownloaded(downloaded);
  else printStatus(status);
  process.exitCode = batchExitCode(status);
}
