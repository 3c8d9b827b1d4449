// `cardpress render <spec-or-batch.json> -o <dir>`: renders locally to files, with no storage at all.
import fs from "node:fs";
import path from "node:path";
import { mapWithLimit } from "../../jobs/concurrency";
import { AssetError, isPermanentRenderError, SpecValidationError } from "../../renderer/errors";
import { assetNamesOf, renderCard } from "../../renderer/render";
import type { CardSpec } from "../../renderer/spec/schema";
import { isBatchFile, parseBatchFile, parseCardSpec } from "../../renderer/spec/validate";
import { exitCodes, UserError } from "../exit-codes";

export interface RenderCommandOptions {
  outDir: string;
  /** Folder asset names are relative to; defaults to the input file's folder. */
  assetsDir?: string | undefined;
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
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UserError(
      `${file} is not valid JSON (${(error as Error).message}); fix the file and try again`,
    );
  }
}

/** Loads a spec's assets from a folder; a missing or oversized file becomes that item's AssetError. */
function loadLocalAssets(spec: CardSpec, assetsDir: string): Map<string, Uint8Array> {
  const assets = new Map<string, Uint8Array>();
  for (const name of assetNamesOf(spec)) {
    const file = path.join(assetsDir, name);
    if (fs.existsSync(file)) assets.set(name, fs.readFileSync(file));
  }
  return assets;
}

function describeFailure(id: string, error: unknown): FailedFileResult {
  if (error instanceof SpecValidationError) return { id, ok: false, errors: error.issues };
  if (error instanceof AssetError)
    return { id, ok: false, errors: [{ path: error.field, message: error.message }] };
  throw error;
}

/** Renders every valid item; invalid ones are reported, not fatal. */
export async function renderToFiles(
  input: string,
  options: RenderCommandOptions,
): Promise<FileResult[]> {
  const json = readJsonFile(input);
  const assetsDir = options.assetsDir ?? path.dirname(path.resolve(input));
  let entries: { id: string; spec?: CardSpec; error?: unknown }[];
  if (isBatchFile(json)) {
    try {
      entries = parseBatchFile(json).items;
    } catch (error) {
      if (error instanceof SpecValidationError) throw new UserError(`${input}: ${error.message}`);
      throw error;
    }
  } else {
    const fallbackId = path.basename(input).replace(/\.json$/i, "");
    try {
      const spec = parseCardSpec(json);
      entries = [{ id: spec.id ?? fallbackId, spec }];
    } catch (error) {
      entries = [{ id: fallbackId, error }];
    }
  }
  fs.mkdirSync(options.outDir, { recursive: true });
  return mapWithLimit(entries, options.concurrency, async (entry): Promise<FileResult> => {
    if (!entry.spec) return describeFailure(entry.id, entry.error);
    try {
      const card = await renderCard(entry.spec, loadLocalAssets(entry.spec, assetsDir));
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
      if (isPermanentRenderError(error)) return describeFailure(entry.id, error);
      throw error;
    }
  });
}

export function renderExitCode(results: FileResult[]): number {
  return results.every((result) => result.ok) ? exitCodes.ok : exitCodes.itemsFailed;
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
      for (const warning of result.warnings) console.log(`  ⚠ ${warning}`);
    } else {
      console.log(`✖ ${result.id}`);
      for (const error of result.errors)
        console.log(`  ${error.path || "(root)"}: ${error.message}`);
    }
  }
  const failed = results.filter((result) => !result.ok).length;
  console.log(`${results.length - failed} rendered, ${failed} failed`);
}
