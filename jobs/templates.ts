// The `templates` container: pushing validated templates (immutable versions by content hash, a pointer per name), listing them, loading them back checked.
import { distance } from "fastest-levenshtein";
import { z } from "zod";
import {
  canonicalJson,
  isBuiltinTemplate,
  limits,
  type ParsedTemplate,
  parseTemplate,
  templateNames,
} from "../renderer";
import { CorruptDocumentError, readBlobBytes, readJsonBlob } from "./blobJson";
import {
  InvalidStoredTemplateError,
  isLostRace,
  isNotFound,
  storageCall,
  TemplateNameError,
  TemplateNotFoundError,
  TemplateVersionNotFoundError,
} from "./errors";
import {
  blobNames,
  isSha256Hex,
  isTemplateName,
  parseTemplatePointerName,
  sha256HexPattern,
} from "./layout";
import { mapWithLimit } from "../support";
import { names, pipeline, protocolVersion } from "../settings";
import type { JobStorage } from "./storage";

// The pattern itself, not isSha256Hex: a corrupt pointer's message names it.
const hashSchema = z.string().regex(sha256HexPattern);

/** A param as a listing shows it: what a card must fill in. */
const paramSummarySchema = z.strictObject({ type: z.string(), required: z.boolean() });

/** `names/<name>.json`: a name's current version, with what a listing shows of it. */
const templatePointerSchema = z.strictObject({
  v: z.literal(protocolVersion),
  name: z.string(),
  hash: hashSchema,
  updatedAt: z.iso.datetime(),
  description: z.string().max(500).optional(),
  params: z.record(z.string(), paramSummarySchema),
});
type TemplatePointer = z.infer<typeof templatePointerSchema>;

/** What a listing says of one template (the pointer without its version field). */
export type TemplateSummary = Omit<TemplatePointer, "v">;

export interface TemplateListing {
  templates: TemplateSummary[];
  /** True when more names matched than one listing returns (pipeline.maxTemplatesListed). */
  truncated: boolean;
  /** Names whose pointer blob is unusable (written by something else): push them again. */
  unreadable: { name: string; reason: string }[];
}

export interface PushedTemplate {
  name: string;
  hash: string;
  /** created: a new name; updated: the name now points to this version; unchanged: it already did (nothing written). */
  status: "created" | "updated" | "unchanged";
  updatedAt: string;
  /** The version the name pointed to before this push (updated only). */
  previousHash?: string;
}

export interface StoredTemplate {
  name: string;
  hash: string;
  updatedAt: string;
  template: ParsedTemplate;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The document to store under `name` (the route's): its own `name` must be that name or absent
 * (then it is filled in). A built-in's name is refused: a card naming it always gets the built-in.
 */
function documentNamed(input: unknown, name: string): unknown {
  if (!isTemplateName(name)) {
    throw new TemplateNameError(
      `invalid template name ${JSON.stringify(name.slice(0, 140))}: expected lower-case letters, digits, ".", "_" and "-", parts joined by "/" (such as "brand/quote"), at most ${limits.template.maxNameLength} characters`,
    );
  }
  if (isBuiltinTemplate(name)) {
    throw new TemplateNameError(
      `"${name}" is a built-in template's name (${templateNames.join(", ")}); a card naming it always gets the built-in: choose another name, such as "brand/${name}"`,
    );
  }
  if (!isRecord(input) || input.name === undefined) {
    return isRecord(input) ? { ...input, name } : input;
  }
  if (input.name !== name) {
    throw new TemplateNameError(
      `the template's "name" is ${JSON.stringify(input.name)} but it is being stored as "${name}": make them equal, or leave "name" out of the document`,
    );
  }
  return input;
}

const where = (blobName: string) => `${names.containers.templates}/${blobName}`;

/** What a listing shows of a version: its description and params (type, required). */
function pointerFor(template: ParsedTemplate, name: string, updatedAt: string): TemplatePointer {
  const { document } = template;
  return {
    v: protocolVersion,
    name,
    hash: template.hash,
    updatedAt,
    ...(document.description !== undefined ? { description: document.description } : {}),
    params: Object.fromEntries(
      Object.entries(document.params).map(([param, definition]) => [
        param,
        { type: definition.type, required: definition.required ?? false },
      ]),
    ),
  };
}

/**
 * Reads a stored version back as untrusted input: at most limits.template.maxDocumentBytes, JSON,
 * a valid template, and the content hash its name says. Undefined when the blob does not exist.
 */
async function readVersion(storage: JobStorage, hash: string): Promise<ParsedTemplate | undefined> {
  const blobName = blobNames.templateVersion(hash);
  let bytes: Buffer | undefined;
  try {
    bytes = await readBlobBytes(storage.templates, blobName, limits.template.maxDocumentBytes);
  } catch (error) {
    if (error instanceof CorruptDocumentError) {
      throw new InvalidStoredTemplateError(where(blobName), error.message);
    }
    throw error;
  }
  if (bytes === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new InvalidStoredTemplateError(where(blobName), "it is not JSON");
  }
  let template: ParsedTemplate;
  try {
    template = parseTemplate(json, where(blobName));
  } catch (error) {
    throw new InvalidStoredTemplateError(
      where(blobName),
      `it is not a valid template (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (template.hash !== hash) {
    throw new InvalidStoredTemplateError(
      where(blobName),
      `its content hash is ${template.hash}, not the ${hash} its name says`,
    );
  }
  return template;
}

/**
 * Parsed versions by storage account and hash, most recently used last; at most
 * pipeline.templateCacheEntries. A version never changes, so an entry is never stale; a failed
 * read is not kept (the next card or delivery reads again).
 */
const versionCache = new Map<string, Promise<ParsedTemplate>>();

function remember(key: string, pending: Promise<ParsedTemplate>): void {
  versionCache.set(key, pending);
  pending.catch(() => {
    if (versionCache.get(key) === pending) versionCache.delete(key);
  });
  while (versionCache.size > pipeline.templateCacheEntries) {
    const oldest = versionCache.keys().next().value;
    if (oldest === undefined) break;
    versionCache.delete(oldest);
  }
}

/**
 * One version by content hash, checked (readVersion) and parsed once per process. Throws
 * TemplateVersionNotFoundError when it is not stored (`template` names it in the message),
 * InvalidStoredTemplateError when the stored blob fails its checks.
 */
export function getTemplateVersion(
  storage: JobStorage,
  hash: string,
  template?: string,
): Promise<ParsedTemplate> {
  if (!isSha256Hex(hash)) {
    return Promise.reject(new TemplateVersionNotFoundError(hash.slice(0, 80), template));
  }
  const key = `${storage.templates.url}|${hash}`;
  const cached = versionCache.get(key);
  if (cached) {
    versionCache.delete(key);
    versionCache.set(key, cached);
    return cached;
  }
  const pending = readVersion(storage, hash).then((found) => {
    if (!found) throw new TemplateVersionNotFoundError(hash, template);
    return found;
  });
  remember(key, pending);
  return pending;
}

async function readPointer(
  storage: JobStorage,
  name: string,
): Promise<TemplatePointer | undefined> {
  const blobName = blobNames.templatePointer(name);
  let pointer: TemplatePointer | undefined;
  try {
    pointer = await readJsonBlob(
      storage.templates,
      blobName,
      templatePointerSchema,
      limits.template.maxDocumentBytes,
    );
  } catch (error) {
    if (error instanceof CorruptDocumentError) {
      throw new InvalidStoredTemplateError(where(blobName), error.message);
    }
    throw error;
  }
  if (pointer && pointer.name !== name) {
    throw new InvalidStoredTemplateError(
      where(blobName),
      `it points to a template named ${JSON.stringify(pointer.name.slice(0, 140))}`,
    );
  }
  return pointer;
}

/** Every stored name under `prefix` (pointer blobs' names), at most `limit` of them. */
async function listNames(
  storage: JobStorage,
  prefix: string,
  limit: number,
): Promise<{ names: string[]; truncated: boolean }> {
  const listPrefix = `${blobNames.templatePointersPrefix}${prefix}`;
  return storageCall(`listing ${where(listPrefix)}`, async () => {
    const found: string[] = [];
    for await (const blob of storage.templates.listBlobsFlat({ prefix: listPrefix })) {
      const name = parseTemplatePointerName(blob.name);
      if (name === undefined) continue;
      if (found.length === limit) return { names: found, truncated: true };
      found.push(name);
    }
    return { names: found, truncated: false };
  });
}

/**
 * Stored names close to `name`, nearest first (at most 3): the same last part in another folder
 * (`quote` → `brand/quote`), or a few typos away.
 */
export function nearTemplateNames(name: string, stored: readonly string[]): string[] {
  const last = (value: string) => value.slice(value.lastIndexOf("/") + 1);
  return stored
    .map((candidate) => {
      const sameLast = last(candidate) === last(name);
      const cost = distance(name, candidate);
      const allowed = Math.max(2, Math.round(0.4 * Math.max(name.length, candidate.length)));
      return { candidate, cost: sameLast ? 0 : cost, near: sameLast || cost <= allowed };
    })
    .filter((entry) => entry.near && entry.candidate !== name)
    .sort((a, b) => a.cost - b.cost || a.candidate.localeCompare(b.candidate))
    .slice(0, 3)
    .map((entry) => entry.candidate);
}

/** Every stored template name (at most pipeline.maxTemplatesListed), for "did you mean". */
export async function storedTemplateNames(storage: JobStorage): Promise<string[]> {
  return (await listNames(storage, "", pipeline.maxTemplatesListed)).names;
}

async function notFound(storage: JobStorage, name: string): Promise<TemplateNotFoundError> {
  return new TemplateNotFoundError(
    name,
    nearTemplateNames(name, await storedTemplateNames(storage)),
  );
}

/** A name's current version (content hash), or undefined when no template has that name. */
export async function findTemplateVersion(
  storage: JobStorage,
  name: string,
): Promise<string | undefined> {
  if (!isTemplateName(name)) return undefined;
  return (await readPointer(storage, name))?.hash;
}

/** A name's current version (content hash). Throws TemplateNotFoundError, with near names, when none is stored. */
export async function resolveTemplateVersion(storage: JobStorage, name: string): Promise<string> {
  const hash = await findTemplateVersion(storage, name);
  if (hash === undefined) throw await notFound(storage, name.slice(0, 140));
  return hash;
}

/** A name's current version, checked and parsed. Throws TemplateNotFoundError (with near names). */
export async function getTemplate(storage: JobStorage, name: string): Promise<StoredTemplate> {
  if (!isTemplateName(name)) throw new TemplateNotFoundError(name.slice(0, 140), []);
  const pointer = await readPointer(storage, name);
  if (!pointer) throw await notFound(storage, name);
  const template = await getTemplateVersion(storage, pointer.hash, name);
  return { name, hash: pointer.hash, updatedAt: pointer.updatedAt, template };
}

/** Create-only: a version, once written, never changes (its name is its content's hash). */
async function writeVersion(storage: JobStorage, template: ParsedTemplate): Promise<void> {
  const blobName = blobNames.templateVersion(template.hash);
  const body = Buffer.from(canonicalJson(template.document), "utf8");
  const upload = (conditions: { ifNoneMatch?: string }) =>
    storage.templates.getBlockBlobClient(blobName).uploadData(body, {
      blobHTTPHeaders: {
        blobContentType: "application/json",
        blobCacheControl: pipeline.outputCacheControl,
      },
      conditions,
    });
  const exists = await storageCall(`writing ${where(blobName)}`, async () => {
    try {
      await upload({ ifNoneMatch: "*" });
      return false;
    } catch (error) {
      if (isLostRace(error)) return true;
      throw error;
    }
  });
  if (!exists) return;
  // Already stored: the same content, unless something else wrote that name; a blob that fails
  // its checks is replaced by the content its name stands for.
  const valid = await readVersion(storage, template.hash).then(
    (found) => found !== undefined,
    (error: unknown) => {
      if (error instanceof InvalidStoredTemplateError) return false;
      throw error;
    },
  );
  if (!valid) await storageCall(`repairing ${where(blobName)}`, () => upload({}));
}

/**
 * Points `name` at `pointer.hash`, conditioned on what was read (a concurrent push in between
 * makes this one read again): the status and previous version answered are exact.
 */
async function writePointer(
  storage: JobStorage,
  name: string,
  next: (current: TemplatePointer | undefined) => TemplatePointer | undefined,
): Promise<{ previous?: TemplatePointer; written?: TemplatePointer }> {
  const blobName = blobNames.templatePointer(name);
  const blob = storage.templates.getBlockBlobClient(blobName);
  for (let attempt = 1; ; attempt++) {
    const properties = await storageCall(`reading ${where(blobName)}`, () =>
      blob.getProperties().catch((error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      }),
    );
    const current = properties
      ? await readPointer(storage, name).catch((error: unknown) => {
          // An unusable pointer is replaced by the push, as if the name were new.
          if (error instanceof InvalidStoredTemplateError) return undefined;
          throw error;
        })
      : undefined;
    const written = next(current);
    if (!written) return current ? { previous: current } : {};
    const body = Buffer.from(JSON.stringify(written), "utf8");
    const conditions = properties?.etag ? { ifMatch: properties.etag } : { ifNoneMatch: "*" };
    const raced = await storageCall(`writing ${where(blobName)}`, async () => {
      try {
        await blob.uploadData(body, {
          blobHTTPHeaders: { blobContentType: "application/json", blobCacheControl: "no-store" },
          conditions,
        });
        return false;
      } catch (error) {
        if (isLostRace(error) && attempt < 5) return true;
        throw error;
      }
    });
    if (!raced) return { ...(current ? { previous: current } : {}), written };
  }
}

/**
 * Validates a template document and stores it under `name`: its version first (create-only, by
 * content hash), then the name's pointer. Invalid documents throw the validation error with every
 * issue before storage is touched; a bad name or a `name` other than `name` throws
 * TemplateNameError. Pushing the current version again writes nothing (`unchanged`).
 */
export async function pushTemplate(
  storage: JobStorage,
  input: unknown,
  options: { name?: string; now?: Date } = {},
): Promise<PushedTemplate> {
  const name =
    options.name ?? (isRecord(input) && typeof input.name === "string" ? input.name : "");
  const template = parseTemplate(documentNamed(input, name), name);
  await writeVersion(storage, template);
  const updatedAt = (options.now ?? new Date()).toISOString();
  const { previous, written } = await writePointer(storage, name, (current) =>
    current?.hash === template.hash ? undefined : pointerFor(template, name, updatedAt),
  );
  if (!written) {
    return { name, hash: template.hash, status: "unchanged", updatedAt: previous?.updatedAt ?? "" };
  }
  return {
    name,
    hash: template.hash,
    status: previous ? "updated" : "created",
    updatedAt,
    ...(previous ? { previousHash: previous.hash } : {}),
  };
}

/**
 * The stored templates (names under `prefix`, in name order), each with its current version,
 * description and params; at most pipeline.maxTemplatesListed (`truncated` says when more exist).
 */
export async function listTemplates(
  storage: JobStorage,
  options: { prefix?: string } = {},
): Promise<TemplateListing> {
  const prefix = options.prefix ?? "";
  if (prefix && !/^[a-z0-9][a-z0-9._/-]*$/.test(prefix)) {
    throw new TemplateNameError(
      `invalid template name prefix ${JSON.stringify(prefix.slice(0, 140))}: expected the start of a template name, such as "brand/"`,
    );
  }
  const listed = await listNames(storage, prefix, pipeline.maxTemplatesListed);
  type Read =
    | { kind: "read"; pointer: TemplatePointer | undefined }
    | { kind: "unreadable"; name: string; reason: string };
  const read = await mapWithLimit(listed.names, 16, async (name): Promise<Read> => {
    try {
      return { kind: "read", pointer: await readPointer(storage, name) };
    } catch (error) {
      if (!(error instanceof InvalidStoredTemplateError)) throw error;
      return { kind: "unreadable", name, reason: error.message };
    }
  });
  const templates: TemplateSummary[] = [];
  const unreadable: TemplateListing["unreadable"] = [];
  for (const entry of read) {
    if (entry.kind === "unreadable") {
      unreadable.push({ name: entry.name, reason: entry.reason });
    } else if (entry.pointer) {
      // Deleted between the listing and the read: not listed.
      const summary: TemplateSummary & { v?: number } = { ...entry.pointer };
      delete summary.v;
      templates.push(summary);
    }
  }
  return { templates, truncated: listed.truncated, unreadable };
}
