// `cardpress sign <card.json>`: the signed GET /api/og URL of one card, its template pinned and its files in storage, as enqueue leaves them.
import path from "node:path";
import type { JobStorage } from "../../jobs";
import { type CardSpec, isBatchFile, isBuiltinTemplate, parseCardSpec } from "../../renderer";
import { names } from "../../settings";
import { signCard, type SignedCardUrl } from "../../signing";
import { localTemplatesOf } from "../batchTemplates";
import { UserError } from "../errors";
import { type LocalTemplate, LocalTemplateResolver } from "../localTemplates";
import { note, printJson } from "../output";
import { resolveSigningSetup, type SigningSetupFlags } from "../signingSetup";
import type { CommonOptions } from "./options";
import { readJsonFile } from "./render";

/** The flags of `cardpress sign`, as commander parses them. */
export interface SignFlags extends CommonOptions, SigningSetupFlags {
  /** Folder template names are looked up in before storage (default: templates/ beside the card). */
  templates?: string;
}

/** What `sign --json` prints. */
export interface SignResult {
  url: string;
  /** The card's storage key (the image's blob name without extension): the same for every key and base URL. */
  cardKey: string;
  keyId: string;
  form: SignedCardUrl["form"];
}

/** `sign` was given a batch file: a URL carries one card. */
export class NotOneCardError extends UserError {
  override name = "NotOneCardError";
}

/** The card names an asset that is neither beside it nor in storage: its URL could never render. */
export class SignMissingAssetError extends UserError {
  override name = "SignMissingAssetError";
}

interface PreparedCard {
  card: CardSpec;
  /** The version sign pinned (the card named a template without one), for the note. */
  pinnedNow?: string;
}

/** Says on stderr what sign stored, as enqueue does. */
function noteStored(
  template: { name: string; status: string; file: string } | undefined,
  replaced: string[],
) {
  if (template && template.status !== "unchanged") {
    note(`cardpress: template ${template.name} ${template.status} from ${template.file}`);
  }
  for (const name of replaced) {
    note(
      `cardpress: asset ${name} replaced other bytes stored under that name (images already stored keep theirs; a URL naming it renders with this file from now on)`,
    );
  }
}

/** Asset names with no local file must already be in storage, or the URL's first request fails. */
async function checkStoredAssets(
  storage: JobStorage,
  assetNames: string[],
  file: string,
  baseDir: string,
) {
  const absent: string[] = [];
  for (const name of assetNames) {
    if (!(await storage.assets.getBlobClient(name).exists())) absent.push(name);
  }
  if (!absent.length) return;
  throw new SignMissingAssetError(
    `${file} names ${absent.map((name) => `${JSON.stringify(name)} (no file ${path.join(baseDir, name)}, no blob in container "${names.containers.assets}")`).join(", ")}; put the file next to the card (sign uploads it) or upload it first`,
  );
}

/**
 * What a URL needs in storage, put there as `enqueue` does: a local template pushed with its files
 * (the URL pins the pushed hash), a stored template pinned to its current version
 * (resolveTemplateVersion) and checked (the card's params fit it), the card's asset files beside it
 * uploaded and those without a file checked to be stored.
 */
async function prepareInStorage(
  file: string,
  json: unknown,
  card: CardSpec,
  local: LocalTemplate | undefined,
  flags: SignFlags,
): Promise<PreparedCard> {
  const [{ openCliStorage }, jobs, { pushLocalTemplate }, { uploadBatchAssets }] =
    await Promise.all([
      import("../connection"),
      import("../../jobs"),
      import("./templatesStore"),
      import("./enqueue"),
    ]);
  const storage = openCliStorage(flags);
  const baseDir = path.dirname(path.resolve(file));
  await jobs.ensureStorageResources(storage);
  const pushed = local ? await pushLocalTemplate(storage, local) : undefined;
  const template = await jobs.templateForCard(storage, card, [], (name) =>
    jobs.resolveTemplateVersion(storage, name),
  );
  const pinnedNow = template && card.templateVersion === undefined ? template.hash : undefined;
  const assets = await uploadBatchAssets(
    storage,
    json,
    baseDir,
    path.basename(file).replace(/\.json$/i, ""),
    () => Promise.resolve(template),
  );
  await checkStoredAssets(storage, assets.missing, file, baseDir);
  noteStored(pushed, assets.replaced);
  return {
    card: template ? { ...card, templateVersion: template.hash } : card,
    ...(pinnedNow ? { pinnedNow } : {}),
  };
}

/** Reads and checks the card in `file`, prepares storage when the card needs it, then signs it with the key and base URL found (resolveSigningSetup). */
export async function signCardFile(
  file: string,
  flags: SignFlags,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SignResult> {
  const raw = readJsonFile(file);
  if (isBatchFile(raw)) {
    throw new NotOneCardError(
      `${file} is a batch file (it has "items"); sign takes one card: write each card to its own file, or call signCardUrl from the library in a script`,
    );
  }
  // A local template (`./x.json`, or a name found in the templates folder) is read and checked
  // first; the card then names it as stored, pinned by hash, as enqueue queues it.
  const baseDir = path.dirname(path.resolve(file));
  const local = localTemplatesOf(
    raw,
    new LocalTemplateResolver({ baseDir, templatesDir: flags.templates }),
  );
  const localTemplate = local.byItem.get(0);
  const card = parseCardSpec(local.pinned);
  // The key first: a missing key is said before storage is asked anything.
  const setup = await resolveSigningSetup(flags, env);
  // A built-in card of text alone needs nothing stored: signing it reads no storage at all.
  const needsStorage =
    !isBuiltinTemplate(card.template) || card.logo !== undefined || card.background !== undefined;
  const prepared = needsStorage
    ? await prepareInStorage(file, local.pinned, card, localTemplate, flags)
    : { card };
  const signed = signCard(prepared.card, { key: setup.key, baseUrl: setup.baseUrl });
  note(
    `cardpress: signed with key ${signed.keyId} from ${setup.keySource}, base URL from ${setup.baseSource}`,
  );
  if (prepared.pinnedNow) {
    note(
      `cardpress: template ${prepared.card.template} pinned to its current version ${prepared.pinnedNow.slice(0, 12)}… (pushing it again does not change this URL's image)`,
    );
  }
  return { url: signed.url, cardKey: signed.cardKey, keyId: signed.keyId, form: signed.form };
}

/** The whole `sign` command: the URL on stdout (or the JSON result), notes on stderr. */
export async function runSignCommand(file: string, flags: SignFlags): Promise<void> {
  const result = await signCardFile(file, flags);
  if (flags.json) printJson(result);
  else console.log(result.url);
}
