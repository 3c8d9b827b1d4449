// A card's stored template: pinned to its current version (content hash) at enqueue, loaded by that hash to render.
import {
  type CardSpec,
  checkCardParams,
  formatPath,
  isBuiltinTemplate,
  localTemplatePattern,
  type ParsedTemplate,
  SpecValidationError,
} from "../renderer";
import { invalidAssetFieldsOf } from "./assets";
import {
  InvalidStoredTemplateError,
  TemplateNotFoundError,
  TemplateVersionNotFoundError,
} from "./errors";
import { toItemError } from "./itemErrors";
import type { ItemError } from "./protocol";
import type { JobStorage } from "./storage";
import {
  findTemplateVersion,
  getTemplateVersion,
  nearTemplateNames,
  storedTemplateNames,
} from "./templates";
import { mapWithLimit } from "../support";

type Path = readonly PropertyKey[];

/** A card naming a local template file reached storage: only the CLI can read it. */
function localFileError(reference: string, path: Path): SpecValidationError {
  return new SpecValidationError([
    {
      path: formatPath([...path, "template"]),
      message: `${JSON.stringify(reference)} is a local template file, which storage cannot read: resolve it with the CLI (cardpress enqueue or render reads it next to the batch file), or push it (cardpress templates push, PUT /api/templates/<name>) and name it, e.g. "brand/quote"`,
    },
  ]);
}

/**
 * The checks a card's stored template needs beyond existing: the version is a version of the
 * name the card gives, the card's params fit the template's (renderer/template/cardParams.ts,
 * cost included), and the asset names it makes the card use follow the naming rule.
 */
function checkCardAgainstTemplate(spec: CardSpec, template: ParsedTemplate, path: Path): void {
  const issues = checkCardParams(template, spec, path);
  if (template.document.name !== spec.template) {
    issues.push({
      path: formatPath([...path, "templateVersion"]),
      message: `version ${template.hash} is of the template "${template.document.name}", not "${spec.template}"`,
    });
  }
  for (const { field, asset } of invalidAssetFieldsOf(spec, template)) {
    issues.push({
      path: formatPath([...path, ...field.split(".")]),
      message: `${JSON.stringify(asset.slice(0, 80))} is not an asset name (letters, digits, . _ - /, no "..", no URL)`,
    });
  }
  if (issues.length) throw new SpecValidationError(issues);
}

/**
 * Whether a card's template is read from storage (false for a built-in); a local file
 * (`./templates/quote.json`) throws: only the CLI can read it. Checked before storage is opened.
 */
export function usesStoredTemplate(spec: CardSpec, path: Path = []): boolean {
  if (isBuiltinTemplate(spec.template)) return false;
  if (localTemplatePattern.test(spec.template)) throw localFileError(spec.template, path);
  return true;
}

/**
 * The stored template a card renders with, or undefined for a built-in. A pinned card
 * (`templateVersion`) gets exactly that version; otherwise `resolve` gives the name's current
 * version (POST /api/render), or, without it, the card is refused: a queued card is always pinned.
 */
export async function templateForCard(
  storage: JobStorage,
  spec: CardSpec,
  path: Path = [],
  resolve?: (name: string) => Promise<string>,
): Promise<ParsedTemplate | undefined> {
  const reference = spec.template;
  if (!usesStoredTemplate(spec, path)) return undefined;
  let hash = spec.templateVersion;
  if (hash === undefined) {
    if (!resolve) {
      throw new SpecValidationError([
        {
          path: formatPath([...path, "templateVersion"]),
          message: `required for the stored template "${reference}": a queued card renders the version pinned when its batch was created`,
        },
      ]);
    }
    hash = await resolve(reference);
  }
  const template = await getTemplateVersion(storage, hash, reference);
  checkCardAgainstTemplate(spec, template, path);
  return template;
}

interface Card {
  index: number;
  id: string;
  spec: CardSpec;
}

export interface PinnedCards<T extends Card> {
  /** The cards to queue, each stored-template card with its `templateVersion` set. */
  accepted: T[];
  /** Cards refused here (template not found, version missing, a local file, invalid stored template). */
  rejected: { index: number; id: string; error: ItemError }[];
  /** The template of each accepted card that has one, by index (its assets are pinned too). */
  templates: ReadonlyMap<number, ParsedTemplate>;
}

/** The failures that refuse one card at enqueue; anything else (storage) fails the whole request. */
const refusesCard = (error: unknown) =>
  error instanceof SpecValidationError ||
  error instanceof TemplateNotFoundError ||
  error instanceof TemplateVersionNotFoundError ||
  error instanceof InvalidStoredTemplateError;

/**
 * Pins every card's stored template to the version current now (one pointer read per distinct
 * name, each version read and checked once), so that a redelivered or re-rendered card renders
 * the same template whatever is pushed later. A card that already carries `templateVersion`
 * keeps it (it must exist). Cards whose template cannot be used are refused one by one.
 */
export async function pinCardTemplates<T extends Card>(
  storage: JobStorage,
  cards: readonly T[],
): Promise<PinnedCards<T>> {
  const versions = new Map<string, Promise<string | undefined>>();
  let stored: Promise<string[]> | undefined;
  const resolve = async (name: string): Promise<string> => {
    let pending = versions.get(name);
    if (!pending) {
      pending = findTemplateVersion(storage, name);
      versions.set(name, pending);
    }
    const hash = await pending;
    if (hash !== undefined) return hash;
    // One listing per batch for every name it misses.
    stored ??= storedTemplateNames(storage);
    throw new TemplateNotFoundError(name, nearTemplateNames(name, await stored));
  };
  const outcomes = await mapWithLimit(cards, 8, async (card) => {
    const path = ["items", card.index];
    try {
      const template = await templateForCard(storage, card.spec, path, resolve);
      if (!template) return { card };
      const spec = { ...card.spec, templateVersion: template.hash };
      return { card: { ...card, spec }, template };
    } catch (error) {
      if (!refusesCard(error)) throw error;
      return { card, error };
    }
  });
  const accepted: T[] = [];
  const rejected: PinnedCards<T>["rejected"] = [];
  const templates = new Map<number, ParsedTemplate>();
  for (const outcome of outcomes) {
    if ("error" in outcome) {
      const { index, id } = outcome.card;
      rejected.push({ index, id, error: toItemError(outcome.error) });
      continue;
    }
    accepted.push(outcome.card);
    if (outcome.template) templates.set(outcome.card.index, outcome.template);
  }
  return { accepted, rejected, templates };
}
