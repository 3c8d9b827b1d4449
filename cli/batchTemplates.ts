// Local templates in a batch or card file: which cards use which template file, and the file rewritten to name the stored versions instead.
import { formatPath, isBatchFile } from "../renderer";
import {
  checkPinnedVersion,
  type LocalTemplate,
  type LocalTemplateResolver,
} from "./localTemplates";

type PlainObject = Record<string, unknown>;

const isPlainObject = (value: unknown): value is PlainObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export interface BatchTemplates {
  /** Every distinct local template the file uses, by file. */
  templates: Map<string, LocalTemplate>;
  /** The item index (0 for a lone card) → the local template it renders with. */
  byItem: Map<number, LocalTemplate>;
  /** The file's JSON with every local reference replaced by the stored name pinned by hash. */
  pinned: unknown;
}

/** A card pinning a version its local file no longer has: refused (it would render otherwise). */
const checkPinned = (holder: PlainObject, at: readonly PropertyKey[], local: LocalTemplate) =>
  checkPinnedVersion(holder.templateVersion, at, local, "queue the file as it is");

/** The stored reference of a local template: its document's name, pinned by content hash. */
function pinTo(holder: PlainObject, local: LocalTemplate): void {
  holder.template = local.parsed.document.name;
  holder.templateVersion = local.parsed.hash;
}

/**
 * Finds the local templates a batch (or lone card) uses and rewrites a copy of it so that each card
 * names the stored template by its name and pins its hash (`templateVersion`): what is queued is
 * then reproducible whatever happens to the files or the stored name later. Built-ins and names
 * with no local file are left as they are (storage resolves those). A `defaults.template` that is
 * local moves into every item that does not name its own (an item cannot unset an inherited
 * `templateVersion`). Throws the resolver's errors (missing `./x.json`, invalid template): the
 * whole file is refused before anything is uploaded.
 */
export function localTemplatesOf(json: unknown, resolver: LocalTemplateResolver): BatchTemplates {
  const templates = new Map<string, LocalTemplate>();
  const byItem = new Map<number, LocalTemplate>();
  const pinned: unknown = structuredClone(json);
  const resolve = (holder: PlainObject, at: readonly PropertyKey[]): LocalTemplate | undefined => {
    const reference = holder.template;
    if (typeof reference !== "string") return undefined;
    const local = resolver.resolve(reference, formatPath([...at, "template"]));
    if (local) templates.set(local.file, local);
    return local;
  };
  if (!isPlainObject(pinned)) return { templates, byItem, pinned };
  if (!isBatchFile(pinned)) {
    const local = resolve(pinned, []);
    if (local) {
      checkPinned(pinned, [], local);
      pinTo(pinned, local);
      byItem.set(0, local);
    }
    return { templates, byItem, pinned };
  }
  const defaults = isPlainObject(pinned.defaults) ? pinned.defaults : undefined;
  const fromDefaults = defaults ? resolve(defaults, ["defaults"]) : undefined;
  if (defaults && fromDefaults) {
    checkPinned(defaults, ["defaults"], fromDefaults);
    delete defaults.template;
    delete defaults.templateVersion;
  }
  const items = Array.isArray(pinned.items) ? (pinned.items as unknown[]) : [];
  items.forEach((item, index) => {
    if (!isPlainObject(item)) return;
    const own = "template" in item;
    const local = own ? resolve(item, ["items", index]) : fromDefaults;
    if (!local) return;
    checkPinned(item, ["items", index], local);
    pinTo(item, local);
    byItem.set(index, local);
  });
  return { templates, byItem, pinned };
}
