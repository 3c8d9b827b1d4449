// `cardpress templates validate|preview`: checks template files, and renders one with sample params, with no storage at all.
import fs from "node:fs";
import path from "node:path";
import {
  AssetError,
  assertCardParams,
  type CardSpec,
  isPermanentRenderError,
  JsonSyntaxError,
  maxAssetBytesOf,
  parseCardSpec,
  parseJsonText,
  parseTemplate,
  renderCard,
  sizePresets,
  SpecValidationError,
  TemplateValidationError,
} from "../../renderer";
import { warningLines } from "../cardWarnings";
import { UserError } from "../errors";
import { exitCodes } from "../exitCodes";
import { locateJsonPath } from "../jsonLocation";
import {
  firstProblems,
  type LocalTemplate,
  loadCardAssets,
  localTemplateOf,
  readAssetFile,
  readTemplateFile,
  readTemplateText,
  TemplateFileError,
} from "../localTemplates";
import { printJson } from "../output";

export interface TemplateProblem {
  /** JSON path in the template (`root.children[2].font.size`); "" for the document as a whole. */
  path: string;
  message: string;
  /** Where the path sits in the file, when the text gives one (from 1). */
  line?: number;
  column?: number;
}

export type ValidatedTemplate =
  | { file: string; ok: true; name: string; hash: string; warnings: string[] }
  | { file: string; ok: false; errors: TemplateProblem[] };

/** The template's own files that are missing or too large beside it: preview and push need them. */
function ownFileWarnings(local: LocalTemplate): string[] {
  const warnings: string[] = [];
  for (const [name, own] of local.ownAssets) {
    const file = path.resolve(local.dir, name);
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    const max = maxAssetBytesOf(own.kind);
    if (!stat?.isFile()) {
      warnings.push(
        `${own.path}: no file ${file}; preview and push read it from beside the template`,
      );
    } else if (stat.size > max) {
      warnings.push(
        `${own.path}: ${file} is ${stat.size.toLocaleString("en-US")} bytes; a ${own.kind} may be at most ${max.toLocaleString("en-US")}`,
      );
    }
  }
  return warnings;
}

/** Validates one template file: every problem with its JSON path and, where it can, line and column. */
export function validateTemplateFile(file: string): ValidatedTemplate {
  let text: string;
  try {
    text = readTemplateText(file);
  } catch (error) {
    if (!(error instanceof TemplateFileError)) throw error;
    return { file, ok: false, errors: [{ path: "", message: error.message }] };
  }
  try {
    const parsed = parseTemplate(text, file);
    const warnings = ownFileWarnings(localTemplateOf(file, parsed));
    return { file, ok: true, name: parsed.document.name, hash: parsed.hash, warnings };
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      const { line, column, problem } = error;
      const message = `invalid JSON: ${problem}`;
      return { file, ok: false, errors: [{ path: "", message, line, column }] };
    }
    if (!(error instanceof TemplateValidationError)) throw error;
    const errors = error.issues.map((issue) => ({
      path: issue.path,
      message: issue.message,
      ...locateJsonPath(text, issue.path),
    }));
    return { file, ok: false, errors };
  }
}

/** `file:line:column: path: message`, the form editors and terminals turn into a link. */
export function problemLine(file: string, problem: TemplateProblem): string {
  const where = problem.line === undefined ? file : `${file}:${problem.line}:${problem.column}`;
  return `${where}: ${problem.path ? `${problem.path}: ` : ""}${problem.message}`;
}

export function printValidated(results: readonly ValidatedTemplate[], json: boolean): void {
  if (json) {
    printJson({ results });
    return;
  }
  for (const result of results) {
    if (result.ok) {
      console.log(`✔ ${result.file}: ${result.name}, version ${result.hash}`);
      for (const line of warningLines(result.warnings)) console.log(line);
    } else {
      console.log(`✖ ${result.file}`);
      for (const problem of result.errors) console.log(`  ${problemLine(result.file, problem)}`);
    }
  }
  const invalid = results.filter((result) => !result.ok).length;
  console.log(`${results.length - invalid} valid, ${invalid} invalid`);
}

/**
 * `cardpress templates validate <files...>`: exit 0 when every file is a valid template, 2 when any
 * is not (an input file is wrong: README, exit codes), whatever the others are.
 */
export function runValidateCommand(files: string[], flags: { json?: boolean }): void {
  const results = files.map(validateTemplateFile);
  printValidated(results, Boolean(flags.json));
  process.exitCode = results.every((result) => result.ok) ? exitCodes.ok : exitCodes.usage;
}

/** The flags of `cardpress templates preview`, as commander parses them. */
export interface PreviewFlags {
  params?: string;
  paramsFile?: string;
  /** A preset or `<width>x<height>`, as typed. */
  size?: string;
  format?: string;
  scale?: number;
  out?: string;
  json?: boolean;
}

/** `--size`: a preset (`og`, `square`, …) or `<width>x<height>`; the card's own checks bound it. */
export function parseSizeFlag(value: string): CardSpec["size"] {
  if (Object.hasOwn(sizePresets, value)) return value as keyof typeof sizePresets;
  const match = /^(\d{1,5})x(\d{1,5})$/.exec(value);
  if (!match) {
    throw new UserError(
      `--size ${value}: expected a preset (${Object.keys(sizePresets).join(", ")}) or <width>x<height> such as 1200x630`,
    );
  }
  return { width: Number(match[1]), height: Number(match[2]) };
}

const formatByExtension: Record<string, string> = {
  ".png": "png",
  ".jpg": "jpeg",
  ".jpeg": "jpeg",
  ".webp": "webp",
  ".avif": "avif",
};

/** A params document (`--params`, `--params-file`): a JSON object; its values are checked as a card's. */
function paramsObject(text: string, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseJsonText(text, source);
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw new UserError(`${error.message}; fix ${source}`);
    throw error;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UserError(
      `${source}: expected a JSON object of param values such as {"quote": "Hello"}, received ${JSON.stringify(value)?.slice(0, 60)}`,
    );
  }
  return value as Record<string, unknown>;
}

/** `--params-file`, then `--params` over it (a flag overrides the file, key by key). */
function readParams(flags: PreviewFlags): Record<string, unknown> {
  let fromFile: Record<string, unknown> = {};
  if (flags.paramsFile !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(flags.paramsFile, "utf8");
    } catch (error) {
      throw new UserError(
        `cannot read --params-file ${flags.paramsFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; check the path`,
      );
    }
    fromFile = paramsObject(text, flags.paramsFile);
  }
  const fromFlag = flags.params === undefined ? {} : paramsObject(flags.params, "--params");
  return { ...fromFile, ...fromFlag };
}

/**
 * Image params given as absolute paths (typed by the user) are read from there, under a stand-in
 * asset name (a card's asset names are relative); the others resolve against the template's folder.
 */
function absoluteImageParams(
  local: LocalTemplate,
  params: Record<string, unknown>,
): { params: Record<string, unknown>; preloaded: Map<string, Uint8Array> } {
  const preloaded = new Map<string, Uint8Array>();
  const rewritten = { ...params };
  for (const [name, value] of Object.entries(params)) {
    if (local.parsed.document.params[name]?.type !== "image") continue;
    if (typeof value !== "string" || !path.isAbsolute(value)) continue;
    const standIn = `preview/${preloaded.size}/${path.basename(value).replace(/[^A-Za-z0-9._-]/g, "_")}`;
    preloaded.set(standIn, readAssetFile(path.dirname(value), value, "image", `params.${name}`));
    rewritten[name] = standIn;
  }
  return { params: rewritten, preloaded };
}

function outputFormat(flags: PreviewFlags, out: string | undefined): string {
  if (flags.format !== undefined) return flags.format;
  if (out === undefined) return "png";
  const format = formatByExtension[path.extname(out).toLowerCase()];
  if (!format) {
    throw new UserError(
      `-o ${out}: cannot tell the image format from its extension; name it .png, .jpg, .webp or .avif, or pass --format`,
    );
  }
  return format;
}

/** A failure that is the user's input (params, an image or font file): one sentence, exit 2. */
function previewError(template: LocalTemplate, error: unknown): never {
  if (error instanceof SpecValidationError) {
    throw new UserError(
      `the params do not fit template ${template.parsed.document.name}: ${error.issues
        .map((issue) => `${issue.path || "(root)"}: ${issue.message}`)
        .join("; ")}; fix --params`,
    );
  }
  if (error instanceof AssetError) {
    throw new UserError(
      `${error.message}; a template's files and image params resolve against ${template.dir} (or give an absolute path)`,
    );
  }
  if (isPermanentRenderError(error)) throw new UserError((error as Error).message);
  throw error;
}

/** The template file itself, as a UserError when it is not a usable template. */
function readPreviewTemplate(file: string): LocalTemplate {
  try {
    return readTemplateFile(file);
  } catch (error) {
    if (error instanceof TemplateValidationError) {
      const problems = error.issues.map((issue) => `${issue.path}: ${issue.message}`);
      throw new UserError(
        `${file} is not a valid template: ${firstProblems(problems)}; cardpress templates validate ${file} lists every problem`,
      );
    }
    if (error instanceof JsonSyntaxError) throw new UserError(`${error.message}; fix the file`);
    throw error;
  }
}

export interface PreviewResult {
  template: string;
  name: string;
  hash: string;
  out: string;
  width: number;
  height: number;
  bytes: number;
  ms: number;
  warnings: string[];
}

/** Renders a template with the given params into one image file, reading only local files. */
export async function previewTemplate(file: string, flags: PreviewFlags): Promise<PreviewResult> {
  const local = readPreviewTemplate(file);
  const { document, hash } = local.parsed;
  const format = outputFormat(flags, flags.out);
  const { params, preloaded } = absoluteImageParams(local, readParams(flags));
  let spec: CardSpec;
  try {
    spec = parseCardSpec({
      template: document.name,
      params,
      size: flags.size === undefined ? document.size : parseSizeFlag(flags.size),
      format,
      ...(flags.scale === undefined ? {} : { scale: flags.scale }),
    });
    assertCardParams(local.parsed, spec);
  } catch (error) {
    return previewError(local, error);
  }
  let card;
  try {
    const assets = loadCardAssets(spec, local, local.dir, [], { preloaded });
    card = await renderCard(spec, assets, undefined, local.parsed);
  } catch (error) {
    return previewError(local, error);
  }
  const out = flags.out ?? `${path.basename(file).replace(/\.json$/i, "")}.${card.extension}`;
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, card.bytes);
  return {
    template: file,
    name: document.name,
    hash,
    out,
    width: card.width,
    height: card.height,
    bytes: card.bytes.length,
    ms: Math.round(card.drawMs + card.encodeMs),
    warnings: card.warnings,
  };
}

export async function runPreviewCommand(file: string, flags: PreviewFlags): Promise<void> {
  const result = await previewTemplate(file, flags);
  if (flags.json) {
    printJson(result);
    return;
  }
  console.log(
    `✔ ${result.name} → ${result.out} (${result.width}×${result.height}, ${(result.bytes / 1024).toFixed(0)} KB, ${result.ms} ms)`,
  );
  for (const line of warningLines(result.warnings)) console.log(line);
}
