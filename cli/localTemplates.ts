// Templates on disk: reads and validates a template file, resolves a card's `template` to one, and reads the files it names from its folder.
import fs from "node:fs";
import path from "node:path";
import {
  AssetError,
  assetNamesOf,
  type CardSpec,
  formatPath,
  isBuiltinTemplate,
  JsonSyntaxError,
  limits,
  localTemplatePattern,
  maxAssetBytesOf,
  nodesOf,
  parseTemplate,
  type ParsedTemplate,
  type TemplateDocument,
  TemplateValidationError,
} from "../renderer";
import { UserError } from "./errors";

/*
 * Where a template's files come from (README, "Templates on disk"): a template's own files (brand
 * fonts, fixed images, image-param defaults) resolve against the template file's folder; a card's
 * own asset names (logo, background, image params) against the card's folder or `--assets`. Names
 * follow the asset-name rule (relative, no "..", no URL), so they cannot leave their folder; a
 * symlink inside it is followed, as the user put it there. Only `templates preview` reads an
 * absolute path, and only one the user typed in `--params`.
 */

/** A template file that cannot be read (missing, unreadable, over the document limit). */
export class TemplateFileError extends UserError {
  override name = "TemplateFileError";
}

/** A card's template cannot be used locally; `field` is where the card names it (`items[2].template`). */
export class LocalTemplateError extends UserError {
  override name = "LocalTemplateError";
  constructor(
    readonly field: string,
    message: string,
    /** One line per problem, for per-card reports (`render`); the message sums them up. */
    readonly problems: readonly string[] = [message],
  ) {
    super(message);
  }
}

/** A card names a template that has no local file where one is required (`render`, a `./file.json`). */
export class TemplateNotFoundError extends LocalTemplateError {
  override name = "TemplateNotFoundError";
}

/** A template found by name in a templates folder whose document carries another name. */
export class TemplateNameMismatchError extends LocalTemplateError {
  override name = "TemplateNameMismatchError";
}

/** A card pins a `templateVersion` that its local template file no longer has. */
export class TemplateVersionMismatchError extends LocalTemplateError {
  override name = "TemplateVersionMismatchError";
}

/** A card's local template file is not a valid template (or cannot be read). */
export class InvalidLocalTemplateError extends LocalTemplateError {
  override name = "InvalidLocalTemplateError";
}

export type TemplateAssetKind = "font" | "image";

/** A file a template names itself, with the path in the document that names it (for errors). */
export interface OwnAsset {
  kind: TemplateAssetKind;
  /** e.g. `fonts[0].src`, `root.children[1].src`, `params.avatar.default`. */
  path: string;
}

export interface LocalTemplate {
  /** The template file, absolute. */
  file: string;
  /** Its folder: the template's own asset names resolve against it. */
  dir: string;
  parsed: ParsedTemplate;
  /** Asset name → what names it, for every file the template itself names. */
  ownAssets: ReadonlyMap<string, OwnAsset>;
}

/** Reads a template file's text, refusing one over the document limit before reading it. */
export function readTemplateText(file: string): string {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (error) {
    throw new TemplateFileError(
      `cannot read template ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; check the path`,
    );
  }
  const max = limits.template.maxDocumentBytes;
  if (size > max) {
    throw new TemplateFileError(
      `template ${file} is ${size.toLocaleString("en-US")} bytes; expected at most ${max.toLocaleString("en-US")} (limits.template.maxDocumentBytes)`,
    );
  }
  return fs.readFileSync(file, "utf8");
}

/** Every file a template names itself: brand fonts, images with a fixed `src`, image params' defaults. */
export function ownAssetsOf(document: TemplateDocument): Map<string, OwnAsset> {
  const own = new Map<string, OwnAsset>();
  const add = (name: string, kind: TemplateAssetKind, at: readonly PropertyKey[]) => {
    if (!own.has(name)) own.set(name, { kind, path: formatPath(at) });
  };
  document.fonts.forEach((font, index) => add(font.src, "font", ["fonts", index, "src"]));
  for (const { node, path } of nodesOf(document)) {
    if (node.type === "image" && !node.src.includes("{{")) add(node.src, "image", [...path, "src"]);
  }
  for (const [name, param] of Object.entries(document.params)) {
    if (param.type === "image" && typeof param.default === "string") {
      add(param.default, "image", ["params", name, "default"]);
    }
  }
  return own;
}

/** A validated template as read from `file`. */
export function localTemplateOf(file: string, parsed: ParsedTemplate): LocalTemplate {
  const absolute = path.resolve(file);
  return {
    file: absolute,
    dir: path.dirname(absolute),
    parsed,
    ownAssets: ownAssetsOf(parsed.document),
  };
}

/** Reads and validates one template file (JsonSyntaxError / TemplateValidationError when it is not one). */
export function readTemplateFile(file: string): LocalTemplate {
  return localTemplateOf(file, parseTemplate(readTemplateText(file), file));
}

/**
 * Reads one asset file from `dir`, bounded by its kind's limit. `name` is an asset name (it cannot
 * leave `dir`; checked again here), or an absolute path the user typed. A missing or oversized
 * file is an AssetError naming `field` and the file looked for, as `render` reports logos.
 */
export function readAssetFile(
  dir: string,
  name: string,
  kind: TemplateAssetKind,
  field: string,
  /** Added to "not found (no file …": where names resolve and how to change it. */
  notFoundHint = "",
): Buffer {
  const file = path.resolve(dir, name);
  const inside = path.relative(dir, file);
  if (!path.isAbsolute(name) && (inside.startsWith("..") || path.isAbsolute(inside))) {
    throw new AssetError(field, name, `resolves to ${file}, outside ${dir}; use a name inside it`);
  }
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile()) {
    throw new AssetError(field, name, `not found (no file ${file}${notFoundHint})`);
  }
  const max = maxAssetBytesOf(kind);
  if (stat.size > max) {
    throw new AssetError(
      field,
      name,
      `${file} is ${stat.size.toLocaleString("en-US")} bytes; expected at most ${max.toLocaleString("en-US")} for a ${kind}`,
    );
  }
  return fs.readFileSync(file);
}

export interface TemplateFolders {
  /** The card or batch file's folder: `./x.json` references resolve against it. */
  baseDir: string;
  /** Where names are looked up (`<dir>/<name>.json`); default `<baseDir>/templates`. */
  templatesDir?: string | undefined;
}

/**
 * Resolves cards' `template` references to local template files, reading and validating each file
 * once (a batch's hundred cards share one parse). A built-in is never local; `./x.json` must exist;
 * a name is local when `<templates>/<name>.json` exists, else it is left to storage (undefined).
 */
export class LocalTemplateResolver {
  private readonly loaded = new Map<string, LocalTemplate | Error>();
  readonly templatesDir: string;

  constructor(readonly folders: TemplateFolders) {
    this.templatesDir = path.resolve(
      folders.templatesDir ?? path.join(folders.baseDir, "templates"),
    );
  }

  /** The local template a card's reference names, or undefined (a built-in, or a name not on disk). */
  resolve(reference: string, field = "template"): LocalTemplate | undefined {
    if (isBuiltinTemplate(reference)) return undefined;
    if (localTemplatePattern.test(reference)) {
      const file = path.resolve(this.folders.baseDir, reference);
      if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) {
        throw new TemplateNotFoundError(
          field,
          `${field} "${reference}": no file ${file}; a "./" template resolves against the card's folder (${this.folders.baseDir})`,
        );
      }
      return this.load(file, field);
    }
    const file = this.fileForName(reference);
    if (!file) return undefined;
    const local = this.load(file, field);
    if (local.parsed.document.name !== reference) {
      throw new TemplateNameMismatchError(
        field,
        `${field} "${reference}" was found as ${file}, whose name is "${local.parsed.document.name}"; rename the file or set its "name" to "${reference}"`,
      );
    }
    return local;
  }

  /** `<templates>/<name>.json` when that file exists. */
  fileForName(name: string): string | undefined {
    const file = path.join(this.templatesDir, `${name}.json`);
    return fs.statSync(file, { throwIfNoEntry: false })?.isFile() ? file : undefined;
  }

  /** Reads a file once; a broken one fails every card naming it, each with its own field. */
  private load(file: string, field: string): LocalTemplate {
    let entry = this.loaded.get(file);
    if (!entry) {
      try {
        entry = readTemplateFile(file);
      } catch (error) {
        if (!isTemplateFileProblem(error)) throw error;
        entry = error;
      }
      this.loaded.set(file, entry);
    }
    if (entry instanceof Error) throw invalidLocalTemplate(field, file, entry);
    return entry;
  }
}

/** The errors a template file can have: unreadable, not JSON, not a valid template. */
function isTemplateFileProblem(
  error: unknown,
): error is TemplateFileError | JsonSyntaxError | TemplateValidationError {
  return (
    error instanceof TemplateFileError ||
    error instanceof JsonSyntaxError ||
    error instanceof TemplateValidationError
  );
}

/** The first three problems, then how many more: `templates validate` lists them all. */
export function firstProblems(problems: readonly string[]): string {
  return (
    problems.slice(0, 3).join("; ") +
    (problems.length > 3 ? `; and ${problems.length - 3} more` : "")
  );
}

function invalidLocalTemplate(
  field: string,
  file: string,
  error: Error,
): InvalidLocalTemplateError {
  const problems =
    error instanceof TemplateValidationError
      ? error.issues.map((issue) => `${file}: ${issue.path || "(root)"}: ${issue.message}`)
      : [error.message];
  return new InvalidLocalTemplateError(
    field,
    `${field}: the template is not usable: ${firstProblems(problems)}; fix it (cardpress templates validate ${file} lists every problem)`,
    problems,
  );
}

/**
 * A card (at `at`) pinning a templateVersion its local file no longer has: refused, since it would
 * render otherwise. `remedy` ends the message: what removing templateVersion lets the command do.
 */
export function checkPinnedVersion(
  pinned: unknown,
  at: readonly PropertyKey[],
  local: LocalTemplate,
  remedy: string,
): void {
  const { hash } = local.parsed;
  if (typeof pinned === "string" && pinned !== hash) {
    const field = formatPath([...at, "templateVersion"]);
    throw new TemplateVersionMismatchError(
      field,
      `${field}: the card pins template version ${pinned.slice(0, 12)}…, but ${local.file} is now ${hash.slice(0, 12)}…; remove templateVersion to ${remedy}`,
    );
  }
}

/** A card with its local template, if it names one: the spec names the template by its document name. */
export interface CardTemplate {
  spec: CardSpec;
  local: LocalTemplate | undefined;
}

/**
 * The template a card renders with when there is no storage (`render`): a built-in, or a local
 * file. A stored name with no file under the templates folder cannot render here; a card pinning
 * a `templateVersion` the file no longer has is refused rather than rendered differently.
 */
export function templateForRender(
  resolver: LocalTemplateResolver,
  spec: CardSpec,
  at: readonly PropertyKey[],
): CardTemplate {
  const field = formatPath([...at, "template"]);
  const local = resolver.resolve(spec.template, field);
  if (!local) {
    if (isBuiltinTemplate(spec.template)) return { spec, local };
    throw new TemplateNotFoundError(
      field,
      `${field} "${spec.template}": no file ${path.join(resolver.templatesDir, `${spec.template}.json`)}; render reads templates from disk only: put it there, pass --templates <dir>, or name its file ("./templates/quote.json")`,
    );
  }
  checkPinnedVersion(spec.templateVersion, at, local, "render with the file as it is");
  return { spec: { ...spec, template: local.parsed.document.name }, local };
}

/** A card's template failure as per-card errors (`render` reports them and goes on), else undefined. */
export function describeTemplateFailure(
  error: unknown,
): { path: string; message: string }[] | undefined {
  if (!(error instanceof LocalTemplateError)) return undefined;
  return error.problems.map((message) => ({ path: error.field, message }));
}

/** Which field of a card names an asset (for errors): `logo`, `background` or `params.<name>`. */
function cardFieldNaming(spec: CardSpec, name: string): string {
  if (spec.logo === name) return "logo";
  if (spec.background === name) return "background";
  const param = Object.entries(spec.params ?? {}).find(([, value]) => value === name)?.[0];
  return param === undefined ? "template" : `params.${param}`;
}

/**
 * The bytes of every asset a card needs (`assetNamesOf`): the template's own files from its folder,
 * the card's (logo, background, image params) from `assetsDir`. `at` is where the card sits in its
 * file (`["items", 5]`), so a missing file names `items[5].params.avatar`.
 */
export function loadCardAssets(
  spec: CardSpec,
  local: LocalTemplate | undefined,
  assetsDir: string,
  at: readonly PropertyKey[],
  options: {
    /** Bytes already read for some names (preview's absolute paths). */
    preloaded?: ReadonlyMap<string, Uint8Array>;
    /** Added to a card's missing asset: how to change where names resolve. */
    notFoundHint?: string;
  } = {},
): Map<string, Uint8Array> {
  const assets = new Map<string, Uint8Array>();
  for (const name of assetNamesOf(spec, local?.parsed)) {
    const bytes = options.preloaded?.get(name);
    if (bytes) {
      assets.set(name, bytes);
      continue;
    }
    const own = local?.ownAssets.get(name);
    if (local && own) {
      assets.set(
        name,
        readAssetFile(local.dir, name, own.kind, `${path.basename(local.file)}: ${own.path}`),
      );
      continue;
    }
    const field = formatPath([...at, ...cardFieldNaming(spec, name).split(".")]);
    assets.set(name, readAssetFile(assetsDir, name, "image", field, options.notFoundHint));
  }
  return assets;
}
