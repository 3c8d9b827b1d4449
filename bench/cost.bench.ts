// Calibrates renderer/spec/cost.ts: measured CPU and wall ms against the model's estimate for sizes × formats × qualities, and the worst chunk planChunks allows.
import { chunkCostBudget, planChunks } from "../jobs/enqueue";
import { renderCard } from "../renderer/render";
import { estimateRenderMs } from "../renderer/spec/cost";
import { limits } from "../renderer/limits";
import { cardSpecSchema, type CardSpec, type ImageFormat } from "../renderer/spec/schema";
import { parseCardSpec } from "../renderer/spec/validate";
import { standardAssets, standardCard } from "./standardCard";

// `--quick`: the two smaller sizes only; `--no-chunk`: skip the worst chunk (about 2.5 min of CPU);
// `--size 4096x4096`, `--format avif`: only those rows of the grid.
const argument = (name: string) => {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
};
const quick = process.argv.includes("--quick");
const withChunk = !process.argv.includes("--no-chunk");
const assets = standardAssets();
const sizes = (
  quick
    ? [
        [1200, 630],
        [2048, 2048],
      ]
    : [
        [1200, 630],
        [2048, 2048],
        [4096, 4096],
      ]
).filter(([width, height]) => !argument("--size") || argument("--size") === `${width}x${height}`);
const formats = (["png", "jpeg", "webp", "avif"] as ImageFormat[]).filter(
  (format) => !argument("--format") || argument("--format") === format,
);
const qualities = [undefined, 80, 90, 95, 100];

/** CPU ms of the whole process (draw on this thread, encode on one libuv thread) and wall ms. */
async function measure(spec: CardSpec): Promise<{ cpuMs: number; wallMs: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await renderCard(spec, assets);
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - start };
}

const pad = (value: string | number, width: number) => String(value).padStart(width);

async function main(): Promise<void> {
  for (let index = 0; index < 3; index++) await renderCard(parseCardSpec(standardCard), assets);
  console.log("standard card (bench/standardCard.ts), one at a time; ms of CPU and wall time");
  console.log(
    `${"size".padEnd(10)} ${"format".padEnd(6)} ${pad("quality", 7)} ${pad("estimate", 9)} ${pad("cpu", 7)} ${pad("cpu/est", 7)} ${pad("wall", 7)}`,
  );
  const ratios: number[] = [];
  for (const [width, height] of sizes) {
    for (const format of formats) {
      for (const quality of format === "png" ? [undefined] : qualities) {
        // The schema without the cost limit: rows over the limit are measured too (marked "refused").
        const spec = cardSpecSchema.parse({
          ...standardCard,
          size: { width, height },
          format,
          ...(quality === undefined ? {} : { quality }),
        });
        const estimate = estimateRenderMs(spec);
        const refused = estimate > limits.maxCardRenderMs ? "  refused" : "";
        const { cpuMs, wallMs } = await measure(spec);
        ratios.push(cpuMs / estimate);
        console.log(
          `${`${width}×${height}`.padEnd(10)} ${format.padEnd(6)} ${pad(quality ?? "default", 7)} ${pad(estimate, 9)} ${pad(Math.round(cpuMs), 7)} ${pad((cpuMs / estimate).toFixed(2), 7)} ${pad(Math.round(wallMs), 7)}${refused}`,
        );
      }
    }
  }
  ratios.sort((a, b) => a - b);
  console.log(
    `measured/estimated CPU: min ${ratios[0]?.toFixed(2)}, max ${ratios.at(-1)?.toFixed(2)}`,
  );
  if (!withChunk) return;

  // The worst chunk: 25 cards at the per-card limit's edge (4096² AVIF quality 95), as planChunks splits them.
  const heavy = Array.from({ length: 25 }, (_, index) => ({
    index,
    id: `heavy-${index}`,
    spec: parseCardSpec({
      ...standardCard,
      id: `heavy-${index}`,
      size: { width: 4096, height: 4096 },
      format: "avif",
      quality: 95,
    }),
  }));
  const chunks = planChunks("bench", heavy, 25, chunkCostBudget);
  const expected = chunks.map((chunk) =>
    chunk.inline.items.reduce((sum, item) => sum + chunkCostBudget.estimateMs(item), 0),
  );
  const worst = expected.indexOf(Math.max(...expected));
  const worstChunk = chunks[worst];
  if (!worstChunk) return;
  console.log(
    `25 cards of 4096² AVIF q95 → ${chunks.length} chunks of ${chunks.map((chunk) => chunk.inline.items.length).join(", ")} cards; worst expected ${Math.round(expected[worst] ?? 0)} ms (budget ${chunkCostBudget.maxChunkRenderMs} ms)`,
  );
  let cpuMs = 0;
  const start = performance.now();
  for (const item of worstChunk.inline.items) {
    cpuMs += (await measure(item.spec as CardSpec)).cpuMs;
  }
  console.log(
    `worst chunk rendered one card at a time: ${Math.round(cpuMs)} ms CPU, ${Math.round(performance.now() - start)} ms wall (expected ${Math.round(expected[worst] ?? 0)} ms)`,
  );
}

void main();
