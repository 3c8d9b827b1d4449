// Writes out/index.html: every card of a batch with its id and SAS URL, images by local relative path.
import fs from "node:fs";
import path from "node:path";
import type { DownloadResult } from "./commands/download";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

export interface ContactSheetNotes {
  /** When the SAS URLs stop working. */
  urlsExpireAt?: string;
  /** Why a URL may already be dead (the demo's Azurite stops with the demo). */
  urlNote?: string;
}

export function contactSheetHtml(result: DownloadResult, notes: ContactSheetNotes = {}): string {
  const cards = result.files
    .map((file) => {
      const src = encodeURIComponent(path.basename(file.file));
      const link = file.url
        ? `<a class="url" href="${escapeHtml(file.url)}">${escapeHtml(file.url)}</a>`
        : "";
      return `    <figure>
      <img src="./${src}" width="${file.width}" height="${file.height}" alt="card ${escapeHtml(file.id)}" loading="eager">
      <figcaption><code>${escapeHtml(file.id)}</code> · ${file.width}×${file.height}<br>${link}</figcaption>
    </figure>`;
    })
    .join("\n");
  const failed = result.failed
    .map(({ id, error }) => `    <li><code>${escapeHtml(id)}</code>: ${escapeHtml(error)}</li>`)
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>cardpress · batch ${escapeHtml(result.batchId)}</title>
  <style>
    body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; background: #f4f4f5; color: #18181b; }
    main { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 16px; align-items: start; }
    figure { margin: 0; background: #fff; border-radius: 8px; padding: 8px; box-shadow: 0 1px 3px #0002; }
    img { display: block; width: 100%; height: auto; border-radius: 4px; background: #e4e4e7; }
    figcaption { margin-top: 6px; overflow-wrap: anywhere; }
    .url { font-size: 11px; color: #52525b; }
  </style>
</head>
<body>
  <h1>Batch <code>${escapeHtml(result.batchId)}</code></h1>
  <p>${result.files.length} cards rendered, ${result.failed.length} failed.${notes.urlsExpireAt ? ` SAS URLs expire at ${escapeHtml(notes.urlsExpireAt)}.` : ""}${notes.urlNote ? ` ${escapeHtml(notes.urlNote)}` : ""}</p>
  <main>
${cards}
  </main>
${failed ? `  <h2>Failed</h2>\n  <ul>\n${failed}\n  </ul>\n` : ""}</body>
</html>
`;
}

export function writeContactSheet(result: DownloadResult, notes: ContactSheetNotes = {}): string {
  const file = path.join(result.dir, "index.html");
  fs.writeFileSync(file, contactSheetHtml(result, notes));
  return file;
}
