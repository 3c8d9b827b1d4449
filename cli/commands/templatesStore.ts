// `cardpress templates push|list`: template files into the stack's templates container (with their fonts and images as assets), and what it holds.
import path from "node:path";
import { listTemplates, type JobStorage, pushTemplate, type PushedTemplate } from "../../jobs";
import { type AssetUpload, uploadLocalAssets } from "../assetUpload";
import { openCliStorage } from "../connection";
import { exitCodes } from "../exitCodes";
import { type LocalTemplate, readTemplateFile } from "../localTemplates";
import { note, printJson } from "../output";
import type { CommonOptions } from "./options";

export interface PushedLocalTemplate extends PushedTemplate {
  file: string;
  /** The template's own files (fonts, fixed images, image-param defaults), stored as assets first. */
  assets: AssetUpload;
}

/**
 * Stores one local template: its own files as assets first (each checked before any is written;
 * a file missing beside it is left to storage), then the template under its name with its hash, so
 * storage never holds a template whose files are not there. Idempotent: the same bytes write
 * nothing (`unchanged`).
 */
export async function pushLocalTemplate(
  storage: JobStorage,
  local: LocalTemplate,
): Promise<PushedLocalTemplate> {
  const assets = await uploadLocalAssets(
    storage,
    [...local.ownAssets].map(([name, own]) => ({
      name,
      file: path.resolve(local.dir, name),
      kind: own.kind,
    })),
  );
  const pushed = await pushTemplate(storage, local.parsed.document, {
    name: local.parsed.document.name,
  });
  return { ...pushed, file: local.file, assets };
}

/** Every file read and validated before anything is stored: one invalid file pushes nothing. */
export async function pushTemplateFiles(
  storage: JobStorage,
  files: readonly string[],
): Promise<PushedLocalTemplate[]> {
  const locals = files.map((file) => readTemplateFile(file));
  const pushed: PushedLocalTemplate[] = [];
  for (const local of locals) pushed.push(await pushLocalTemplate(storage, local));
  return pushed;
}

/** Notes about a pushed template's files (on stderr): missing ones, and replaced ones. */
export function noteTemplateAssets(pushed: PushedLocalTemplate): void {
  for (const name of pushed.assets.missing) {
    note(
      `cardpress: ${pushed.name}: asset ${name} has no file beside ${pushed.file}; cards will use the one already in storage`,
    );
  }
  for (const name of pushed.assets.replaced) {
    note(
      `cardpress: ${pushed.name}: asset ${name} replaced other bytes stored under that name (batches queued before keep the version they pinned)`,
    );
  }
}

export async function runPushCommand(files: string[], flags: CommonOptions): Promise<void> {
  const storage = openCliStorage(flags);
  const pushed = await pushTemplateFiles(storage, files);
  if (flags.json) {
    printJson({
      templates: pushed.map(({ assets, ...template }) => ({
        ...template,
        assets: {
          uploaded: assets.uploaded,
          unchanged: assets.unchanged,
          replaced: assets.replaced,
          missing: assets.missing,
        },
      })),
    });
  } else {
    for (const template of pushed) {
      noteTemplateAssets(template);
      const { uploaded, unchanged } = template.assets;
      const files = uploaded.length
        ? `; ${uploaded.length} ${uploaded.length === 1 ? "file" : "files"} uploaded${unchanged.length ? ` (${unchanged.length} unchanged)` : ""}`
        : "";
      console.log(`${template.name} ${template.hash} ${template.status}${files}`);
    }
  }
  process.exitCode = exitCodes.ok;
}

/** Columns padded to their widest cell, two spaces apart. */
function table(rows: readonly string[][]): string[] {
  const widths = rows[0]?.map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? "").length)),
  );
  return rows.map((row) =>
    row
      .map((cell, column) =>
        column === row.length - 1 ? cell : cell.padEnd(widths?.[column] ?? 0),
      )
      .join("  ")
      .trimEnd(),
  );
}

export async function runListCommand(flags: CommonOptions & { prefix?: string }): Promise<void> {
  const storage = openCliStorage(flags);
  const listing = await listTemplates(storage, flags.prefix ? { prefix: flags.prefix } : {});
  if (flags.json) {
    printJson(listing);
  } else {
    for (const { name, reason } of listing.unreadable) {
      note(`cardpress: template ${name} cannot be read: ${reason}`);
    }
    if (!listing.templates.length) {
      console.log("no templates stored; push one with cardpress templates push <template.json>");
    } else {
      const rows = listing.templates.map((template) => [
        template.name,
        template.hash.slice(0, 12),
        template.updatedAt.replace(/\.\d+Z$/, "Z"),
        Object.keys(template.params).join(", "),
      ]);
      for (const line of table([["NAME", "VERSION", "UPDATED", "PARAMS"], ...rows])) {
        console.log(line);
      }
    }
    if (listing.truncated) note("cardpress: more templates are stored; narrow with --prefix");
  }
  process.exitCode = exitCodes.ok;
}
