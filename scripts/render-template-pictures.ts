// Renders docs/templates.md's pictures (docs/images/templates/) from the example templates' batches, at half size.
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { assetNamesOf, parseBatchFile, parseTemplate, renderCard } from "../renderer";

const root = path.join(__dirname, "..");
const examplesDir = path.join(root, "examples", "templates");
const outDir = path.join(root, "docs", "images", "templates");
const examples = ["quote", "product", "event"];

async function renderExample(name: string): Promise<void> {
  const template = parseTemplate(fs.readFileSync(path.join(examplesDir, `${name}.json`)));
  const batch = parseBatchFile(
    JSON.parse(fs.readFileSync(path.join(examplesDir, `${name}.batch.json`), "utf8")),
  );
  for (const item of batch.items) {
    if (!item.spec) throw new Error(`${name}.batch.json ${item.id}: ${String(item.error)}`);
    const assets = new Map(
      assetNamesOf(item.spec, template).map((asset) => [
        asset,
        fs.readFileSync(path.join(examplesDir, asset)),
      ]),
    );
    const card = await renderCard(item.spec, assets, undefined, template);
    const file = path.join(outDir, `${item.id}.png`);
    // Half size keeps the docs light; tall cards as wide as half a landscape one's height allows.
    const width = card.height > card.width ? 300 : 600;
    await sharp(card.bytes)
      .resize(width)
      .png({ compressionLevel: 9, palette: true, quality: 90 })
      .toFile(file);
    console.log(`wrote ${path.relative(root, file)} (${fs.statSync(file).size} bytes)`);
  }
}

async function main(): Promise<void> {
  fs.mkdirSync(outDir, { recursive: true });
  for (const name of examples) await renderExample(name);
}

void main();
