// `cardpress render <spec-or-batch.json> -o <dir>`: renders locally to files, with no storage at all.
import fs from "node:fs";
import path from "node:path";
import { mapWithLimit } from "../../support";
import {
  AssetError,
  assertCardParams,
  cardId,
  type CardSpec,
  isBatchFile,
  isPermanentRenderError,
  JsonSyntaxError,
  parseBatchFile,
  parseCardSpec,
  parseJsonText,
  renderCard,
  SpecValidationError,
} from "../../renderer";
import { warningLines } from "../cardWarnings";
import { UserError } from "../errors";
import { renderExitCode } from "../exitCodes";
import {
  type CardTemplate,
  describeTemplateFailure,
  LocalTemplateResolver,
  loadCardAssets,
  templateForRender,
} from "../localTemplates";

/** The flags of `cardpress render`, as commander parses them. */
export interface RenderFlags {
  out: string;
  assets?: string;
  templates?: string;
  concurrency: number;
  json?: boolean;
}

export interface RenderCommandOptions {
  outDir: string;
  /** Folder asset names are relative to; defaults to the input file's folder. */
  assetsDir?: string | undefined;
  /** Folder template names are looked up in (`<dir>/<name>.json`); default `templates/` beside the input. */
  templatesDir?: string | undefined;
  concurrency: number;
}

export interface RenderedFileResult {
  id: string;
  ok: true;
  file: string;
  bytes: number;
  width: number;
  height: number;
  ms: number;
  warnings: string[];
}

export interface FailedFileResult {
  id: string;
  ok: false;
  errors: { path: string; message: string }[];
}

export type FileResult = RenderedFileResult | FailedFileResult;

export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new UserError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; check the path`,
    );
  }
  try {
    return parseJsonText(text, file);
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      throw new UserError(`${error.message}; fix the file and try again`);
    }
    throw error;
  }
}

function describeFailure(id: string, error: unknown): FailedFileResult {
  if (error instanceof SpecValidationError) return { id, ok: false, errors: error.issues };
  if (error instanceof AssetError)
    return { id, ok: false, errors: [{ path: error.field, message: error.message }] };
  const template = describeTemplateFailure(error);
  if (template) return { id, ok: false, errors: template };
  throw error;
}

/** Renders every valid item; invalid ones are reported, not fatal. */
export async function renderToFiles(
  input: string,
  options: RenderCommandOptions,
): Promise<FileResult[]> {
  const json = readJsonFile(input);
  const assetsDir = options.assetsDir ?? path.dirname(path.resolve(input));
  const templates = new LocalTemplateResolver({
    baseDir: path.dirname(path.resolve(input)),
    templatesDir: options.templatesDir,
  });
  let entries: { id: string; index?: number; spec?: CardSpec; error?: unknown }[];
  if (isBatchFile(json)) {
    try {
      entries = parseBatchFile(json).items;
    } catch (error) {
      if (error instanceof SpecValidationError) {
        throw new UserError(`${input}: ${error.message}; fix the file and try again`);
      }
      throw error;
    }
  } else {
    // A lone card is named by its own id, even when something else in it is invalid.
    const ownId =
      typeof json === "object" && json !== null && "id" in json ? cardId.safeParse(json.id) : null;
    const id = ownId?.success ? ownId.data : path.basename(input).replace(/\.json$/i, "");
    try {
      entries = [{ id, spec: parseCardSpec(json) }];
    } catch (error) {
      entries = [{ id, error }];
    }
  }
  fs.mkdirSync(options.outDir, { recursive: true });
  return mapWithLimit(entries, options.concurrency, async (entry): Promise<FileResult> => {
    if (!entry.spec) return describeFailure(entry.id, entry.error);
    const at = entry.index === undefined ? [] : ["items", entry.index];
    try {
      const { spec, local }: CardTemplate = templateForRender(templates, entry.spec, at);
      if (local) assertCardParams(local.parsed, spec, at);
      const card = await renderCard(
        spec,
        loadCardAssets(spec, local, assetsDir, at, {
          notFoundHint: `; asset names resolve against ${assetsDir}, change it with --assets <dir>`,
        }),
        undefined,
        local?.parsed,
      );
      const file = path.join(options.outDir, `${entry.id}.${card.extension}`);
      await fs.promises.writeFile(file, card.bytes);
      return {
        id: entry.id,
        ok: true,
        file,
        bytes: card.bytes.length,
        width: card.width,
        height: card.height,
        ms: Math.round(card.drawMs + card.encodeMs),
        warnings: card.warnings,
      };
    } catch (error) {
      if (isPermanentRenderError(error) || describeTemplateFailure(error)) {
        return describeFailure(entry.id, error);
      }
      throw error;
    }
  });
}

export function printRenderResults(results: FileResult[], json: boolean): void {
  if (json) {
    console.log(JSON.stringify({ results }, null, 2));
    return;
  }
  for (const result of results) {
    if (result.ok) {
      console.log(
        `✔ ${result.id} → ${result.file} (${result.width}×${result.height}, ${(result.bytes / 1024).toFixed(0)} KB, ${result.ms} ms)`,
      );
      for (const line of warningLines(result.warnings)) console.log(line);
    } else {
      console.log(`✖ ${result.id}`);
      for (const error of result.errors)
        console.log(`  ${error.path || "(root)"}: ${error.message}`);
    }
  }
  const failed = results.filter((result) => !result.ok).length;
  console.log(`${results.length - failed} rendered, ${failed} failed`);
}

/** The whole `render` command: render, print, set the exit code. */
export async function runRenderCommand(file: string, flags: RenderFlags): Promise<void> {
  const results = await renderToFiles(file, {
    outDir: flags.out,
    assetsDir: flags.assets,
    templatesDir: flags.templates,
    concurrency: flags.concurrency,
  });
  printRenderResults(results, Boolean(flags.json));
  process.exitCode = renderExitCode(results);
}
