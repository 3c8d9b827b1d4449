// Renders the README's template pictures (docs/images/) from the examples, at half size.
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { renderCard } from "../renderer/render";
import { parseCardSpec } from "../renderer/spec/validate";
import { templateNames } from "../renderer/spec/schema";

const root = path.join(__dirname, "..");
const assets = new Map(
  ["logo.png", "landscape.jpg"].map((name) => [
    `assets/${name}`,
    fs.readFileSync(path.join(root, "examples", "assets", name)),
  ]),
);

async function main(): Promise<void> {
  const outDir = path.join(root, "docs", "images");
  fs.mkdirSync(outDir, { recursive: true });
  for (const template of templateNames) {
    const spec = parseCardSpec({
      template,
      eyebrow: "Template",
      title: `The ${template} template renders this title`,
      subtitle: "Subtitle text in the theme's muted colour, wrapped to the box.",
      author: "Ada Lovelace",
      footer: "cardpress.dev",
      logo: "assets/logo.png",
      ...(template === "split" || template === "photo"
        ? { background: "assets/landscape.jpg" }
        : {}),
    });
    const card = await renderCard(spec, assets);
    const file = path.join(outDir, `template-${template}.png`);
    await sharp(card.bytes)
      .resize(600)
      .png({ compressionLevel: 9, palette: true, quality: 90 })
      .toFile(file);
    console.log(`wrote ${path.relative(root, file)}`);
  }
}

void main();
