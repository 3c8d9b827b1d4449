// Renderer benchmark: per-card draw/encode times, size, throughput with 1 and 2 in flight, memory, first-card latency.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { renderCard } from "../renderer/render";
import { parseCardSpec } from "../renderer/spec/validate";
import { parseJsonDocument } from "../support";
import { standardAssets, standardCard } from "./standardCard";
import { median } from "./stats";
import { standardCardsPerSecond } from "./throughput";

/** What bench/first-card.js prints. */
const firstCardOutputSchema = z.object({ firstCardMs: z.number().nonnegative() });

const json = process.argv.includes("--json");
const spec = parseCardSpec(standardCard);
const assets = standardAssets();
/** Cold processes timed for the start-up figure. */
const coldStarts = 5;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const log = (line: string) => {
  if (!json) console.log(line);
};

async function main(): Promise<void> {
  const rssMb = () => process.memoryUsage().rss / 1024 / 1024;
  for (let index = 0; index < 10; index++) await renderCard(spec, assets); // warm-up: fonts, caches, JIT
  const draw: number[] = [];
  const encode: number[] = [];
  const total: number[] = [];
  let bytes = 0;
  for (let index = 0; index < 60; index++) {
    const start = performance.now();
    const card = await renderCard(spec, assets);
    total.push(performance.now() - start);
    draw.push(card.drawMs);
    encode.push(card.encodeMs);
    bytes = card.bytes.length;
    if (index === 0) {
      fs.mkdirSync(path.join(__dirname, "..", "out"), { recursive: true });
      fs.writeFileSync(path.join(__dirname, "..", "out", "bench-standard.png"), card.bytes);
    }
    await nextTurn();
  }
  log(
    `standard card: draw ${median(draw).toFixed(1)} ms, encode ${median(encode).toFixed(1)} ms, total ${median(total).toFixed(1)} ms (median of 60), ${bytes} bytes`,
  );
  const one = await standardCardsPerSecond(200, 1);
  const two = await standardCardsPerSecond(200, 2);
  log(
    `throughput: ${one.toFixed(1)} cards/s with 1 in flight, ${two.toFixed(1)} cards/s with 2 (×${(two / one).toFixed(2)})`,
  );
  let rendered = 0;
  let rssAfter100 = 0;
  while (rendered < 1000) {
    await renderCard(spec, assets);
    await nextTurn();
    rendered++;
    if (rendered === 100) rssAfter100 = rssMb();
  }
  const rssAfter1000 = rssMb();
  log(
    `memory: RSS ${rssAfter100.toFixed(0)} MB after 100 cards, ${rssAfter1000.toFixed(0)} MB after 1,000 (×${(rssAfter1000 / rssAfter100).toFixed(2)})`,
  );
  // One cold start varies by ±30 % here (page cache, VM scheduling): report the median of several.
  const firstCardRuns = Array.from({ length: coldStarts }, () => {
    const output = execFileSync(process.execPath, [path.join(__dirname, "first-card.js")], {
      encoding: "utf8",
    });
    return parseJsonDocument(output, firstCardOutputSchema, "bench/first-card.js's output")
      .firstCardMs;
  });
  const firstCardMs = median(firstCardRuns);
  log(
    `start-up: first PNG ${firstCardMs.toFixed(0)} ms after process start (median of ${coldStarts} cold starts, ${Math.min(...firstCardRuns).toFixed(0)}–${Math.max(...firstCardRuns).toFixed(0)}; compiled code, node ${process.version})`,
  );
  if (json) {
    console.log(
      JSON.stringify({
        drawMsMedian: median(draw),
        encodeMsMedian: median(encode),
        totalMsMedian: median(total),
        pngBytes: bytes,
        cardsPerSecond1: one,
        cardsPerSecond2: two,
        speedup2: two / one,
        rssMbAfter100: rssAfter100,
        rssMbAfter1000: rssAfter1000,
        firstCardMs,
        firstCardMsRuns: firstCardRuns,
      }),
    );
  }
}

void main();
