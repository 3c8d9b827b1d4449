// Re-renders the built-ins' reference cards (tests/fixtures/builtins-before) and reports, per card, how far each differs.
//
//   npx tsx scripts/compare-builtins.ts [--tolerance 48] [--only <id-substring>]
//   npx tsx scripts/compare-builtins.ts --write-manifest   (rebuilds manifest.json from the examples)
//   npx tsx scripts/compare-builtins.ts --write-baseline   (re-renders the reference PNGs: only on purpose)
//
// Writes out/compare-builtins/<id>.png: before | after | difference (×4, red where beyond tolerance).
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { renderCard } from "../renderer/render";
import { templateNames, type CardSpecInput } from "../renderer/spec/schema";
import { parseCardSpec } from "../renderer/spec/validate";
import {
  baselineDir,
  decodePng,
  diffImages,
  encodePng,
  manifestAssets,
  manifestPath,
  readManifest,
  renderRgba,
  repoRoot,
  type BaselineManifest,
  type RgbaImage,
} from "../tests/support/builtinsBaseline";
import { builtinTolerance } from "../tests/support/builtinsTolerance";

type Spec = Record<string, unknown>;
const outDir = path.join(repoRoot, "out", "compare-builtins");
const argument = (name: string) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
};

function readJson(file: string): Spec {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, file), "utf8")) as Spec;
}

/** Every example card (batch items over their defaults), as PNG: lossy formats would blur the diff. */
function exampleCards(): BaselineManifest["cards"] {
  const batch = readJson("examples/batch.json");
  const defaults = (batch.defaults ?? {}) as Spec;
  const items = batch.items as Spec[];
  const cards = items.map((item) => ({
    id: String(item.id),
    source: "examples/batch.json",
    spec: { ...defaults, ...item, format: "png" } as Spec,
  }));
  const card = readJson("examples/card.json");
  delete card.$schema;
  cards.push({ id: String(card.id), source: "examples/card.json", spec: card });
  for (const entry of cards) delete entry.spec.quality;
  return cards;
}

const full: Spec = {
  eyebrow: "Field notes",
  title: "Every field at once: logo, eyebrow, title, subtitle and byline",
  subtitle: "A subtitle long enough to wrap onto a second line on the narrower presets.",
  author: "Ada Lovelace",
  footer: "cardpress.dev",
  logo: "assets/logo.png",
  background: "assets/landscape.jpg",
};
const rtl: Spec = {
  eyebrow: "العربية",
  title: "عنوان عربي طويل لاختبار الالتفاف والاتجاه",
  subtitle: "النص العربي يُشكَّل ويُرتَّب بشكل صحيح.",
  author: "ليلى",
  logo: "assets/logo.png",
  background: "assets/landscape.jpg",
};
const cjk: Spec = {
  eyebrow: "中文",
  title: "用 Skia 渲染中文标题：自动换行与字号自适应",
  subtitle: "中文在字与字之间断行。",
  author: "张三",
  footer: "cardpress.dev",
  background: "assets/landscape.jpg",
};

/** Each built-in at each shape, with every field and with none, in RTL and in CJK. */
function matrixCards(): BaselineManifest["cards"] {
  const source = "matrix";
  return templateNames.flatMap((template) => [
    ...(["og", "square", "story"] as const).map((size) => ({
      id: `${template}-full-${size}`,
      source,
      spec: { template, size, ...full },
    })),
    {
      id: `${template}-bare-og`,
      source,
      spec: { template, title: "Only a title here" },
    },
    {
      id: `${template}-bare-story`,
      source,
      spec: { template, size: "story", title: "Only a title, on a tall card" },
    },
    { id: `${template}-rtl`, source, spec: { template, ...rtl } },
    { id: `${template}-cjk`, source, spec: { template, size: "square", ...cjk } },
  ]);
}

function writeManifest(): void {
  const manifest: BaselineManifest = {
    description:
      "The five built-ins as drawn by the code templates (renderer/templates/*.ts) before they became template files: every example card, and each built-in at each shape, with and without every field, RTL and CJK. Rendered as PNG at the commit below; scripts/compare-builtins.ts and tests/renderer/builtins.test.ts compare against them.",
    renderedAt: "c991442",
    assetsDir: "examples",
    cards: [...exampleCards(), ...matrixCards()],
  };
  for (const card of manifest.cards) parseCardSpec(card.spec as CardSpecInput);
  fs.mkdirSync(baselineDir, { recursive: true });
  fs.writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`${manifest.cards.length} cards → ${path.relative(repoRoot, manifestPath)}`);
}

async function writeBaseline(manifest: BaselineManifest): Promise<void> {
  for (const file of fs.readdirSync(baselineDir)) {
    if (file.endsWith(".png")) fs.rmSync(path.join(baselineDir, file));
  }
  const assets = manifestAssets(manifest);
  let total = 0;
  for (const card of manifest.cards) {
    const rendered = await renderCard(parseCardSpec(card.spec as CardSpecInput), assets);
    // Re-encoded losslessly at the highest effort: the same pixels in fewer committed bytes.
    const bytes = await sharp(rendered.bytes)
      .png({ compressionLevel: 9, adaptiveFiltering: true, palette: false })
      .toBuffer();
    fs.writeFileSync(path.join(baselineDir, `${card.id}.png`), bytes);
    total += bytes.length;
  }
  console.log(`${manifest.cards.length} PNGs, ${(total / 1024 / 1024).toFixed(2)} MiB`);
}

/** before | after | difference: amplified ×4, orange beyond the tolerance, red where unmatched. */
async function sideBySide(
  before: RgbaImage,
  after: RgbaImage,
  map: Uint8Array,
  tolerance: number,
): Promise<Buffer> {
  const { width, height } = before;
  const diff = new Uint8Array(width * height * 4);
  map.forEach((value, index) => {
    const beyond = value > tolerance;
    const unmatched = value === 255;
    const grey = Math.min(255, value * 4);
    diff[index * 4] = beyond ? 255 : grey;
    diff[index * 4 + 1] = unmatched ? 0 : beyond ? 140 : grey;
    diff[index * 4 + 2] = beyond ? 0 : grey;
    diff[index * 4 + 3] = 255;
  });
  return sharp({
    create: { width: width * 3 + 20, height, channels: 4, background: "#ff00ff" },
  })
    .composite([
      { input: await encodePng(before), left: 0, top: 0 },
      { input: await encodePng(after), left: width + 10, top: 0 },
      { input: await encodePng({ data: diff, width, height }), left: width * 2 + 20, top: 0 },
    ])
    .png()
    .toBuffer();
}

async function compare(manifest: BaselineManifest): Promise<void> {
  const tolerance = Number(argument("--tolerance") ?? builtinTolerance.channel);
  const radius = Number(argument("--radius") ?? builtinTolerance.radius);
  const only = argument("--only");
  const assets = manifestAssets(manifest);
  fs.mkdirSync(outDir, { recursive: true });
  console.log(
    `tolerance ${tolerance} per channel, radius ${radius} px: pixels beyond the tolerance, those unmatched within the radius, the largest difference`,
  );
  const rows: string[] = [];
  for (const card of manifest.cards) {
    if (only && !card.id.includes(only)) continue;
    const before = await decodePng(path.join(baselineDir, `${card.id}.png`));
    const after = await renderRgba(card.spec, assets);
    const diff = diffImages(before, after, tolerance, radius);
    fs.writeFileSync(
      path.join(outDir, `${card.id}.png`),
      await sideBySide(before, after, diff.map, tolerance),
    );
    const row = `| ${card.id} | ${(diff.share * 100).toFixed(2)} % | ${(diff.unmatchedShare * 100).toFixed(3)} % (${diff.unmatched}) | ${diff.maxDifference} |`;
    rows.push(row);
    console.log(row);
  }
  fs.writeFileSync(
    path.join(outDir, "report.md"),
    `| card | pixels beyond ${tolerance} | unmatched within ${radius} px | max |\n| --- | --- | --- | --- |\n${rows.join("\n")}\n`,
  );
}

async function main(): Promise<void> {
  if (process.argv.includes("--write-manifest")) return writeManifest();
  const manifest = readManifest();
  if (process.argv.includes("--write-baseline")) return writeBaseline(manifest);
  return compare(manifest);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
