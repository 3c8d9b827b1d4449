// Child of bench/template-ab.bench.ts: renders the standard card with the renderer under --root, prints medians as JSON.
import path from "node:path";
import { yieldToEventLoop } from "../support";
import { numberOption } from "./options";
import { median } from "./stats";
import { standardAssets, standardCard } from "./standardCard";

interface RendererModule {
  renderCard(
    spec: unknown,
    assets: Map<string, Uint8Array>,
  ): Promise<{ drawMs: number; encodeMs: number; bytes: Buffer }>;
}
interface ValidateModule {
  parseCardSpec(input: unknown): unknown;
}

const option = (name: string): string | undefined => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
class TemplateAbWorkerError extends Error {
  override name = "TemplateAbWorkerError";
}

const root = path.resolve(option("--root") ?? ".");
const cards = numberOption("cards", 60, TemplateAbWorkerError);

async function main(): Promise<void> {
  // The tree under --root: this checkout, or the code before the built-ins became templates.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a renderer chosen at run time
  const { renderCard } = require(path.join(root, "renderer", "render")) as RendererModule;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
  const { parseCardSpec } = require(
    path.join(root, "renderer", "spec", "validate"),
  ) as ValidateModule;
  const spec = parseCardSpec(standardCard);
  const assets = standardAssets();
  for (let index = 0; index < 10; index++) await renderCard(spec, assets); // fonts, caches, JIT
  const draw: number[] = [];
  const total: number[] = [];
  let bytes = 0;
  for (let index = 0; index < cards; index++) {
    const start = performance.now();
    const card = await renderCard(spec, assets);
    total.push(performance.now() - start);
    draw.push(card.drawMs);
    bytes = card.bytes.length;
    await yieldToEventLoop();
  }
  process.stdout.write(
    JSON.stringify({ drawMs: median(draw), totalMs: median(total), pngBytes: bytes }),
  );
}

void main();
