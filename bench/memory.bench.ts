// Memory benchmark: peak and idle RSS of one process rendering 20 cards with distinct 5000×5000 image assets.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import { renderCard } from "../renderer/render";
import { parseCardSpec } from "../renderer/spec/validate";
import type { CardSpecInput, TemplateName } from "../renderer/spec/schema";
import { standardAssets, standardCard } from "./standardCard";

const json = process.argv.includes("--json");
const cards = 20;
const side = 5000;
const idleMs = 15_000;
const templates: TemplateName[] = ["photo", "split", "classic", "bold", "minimal"];
const log = (line: string) => {
  if (!json) console.log(line);
};
const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);
const rss = () => process.memoryUsage().rss;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A full garbage collection without --expose-gc on the command line (npm scripts run plain tsx). */
function collectGarbage(): void {
  v8.setFlagsFromString("--expose-gc");
  (vm.runInNewContext("gc") as () => void)();
}

/**
 * Flat-colour RGB PNGs (about 350 KB each, 95 MiB each once decoded as RGBA), written by a child process so
 * that their encoding does not count in this process's peak.
 */
function writeLargeAssets(folder: string): void {
  const script = `
    const sharp = require("sharp");
    const path = require("node:path");
    (async () => {
      for (let index = 0; index < ${cards}; index++) {
        for (const kind of ["background", "logo"]) {
          const background = { r: (index * 37) % 256, g: (index * 91 + (kind === "logo" ? 50 : 0)) % 256, b: 128 };
          await sharp({ create: { width: ${side}, height: ${side}, channels: 3, background } })
            .png()
            .toFile(path.join(${JSON.stringify(folder)}, kind + "-" + index + ".png"));
        }
      }
    })().catch((error) => { console.error(error); process.exit(1); });
  `;
  const run = spawnSync(process.execPath, ["-e", script], {
    cwd: path.join(__dirname, ".."),
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`generating assets failed: ${run.stderr}`);
}

async function main(): Promise<void> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-memory-bench-"));
  try {
    writeLargeAssets(folder);
    const assets = new Map<string, Uint8Array>();
    for (const file of fs.readdirSync(folder)) {
      assets.set(file, fs.readFileSync(path.join(folder, file)));
    }
    const assetBytes = [...assets.values()].reduce((sum, bytes) => sum + bytes.byteLength, 0);
    // Warm: fonts, JIT and caches of an ordinary card, then a settled heap.
    const standard = parseCardSpec(standardCard);
    const small = standardAssets();
    for (let index = 0; index < 5; index++) await renderCard(standard, small);
    collectGarbage();
    await sleep(200);
    const warm = rss();
    let peak = warm;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rss());
    }, 20);
    const start = performance.now();
    for (let index = 0; index < cards; index++) {
      const spec: CardSpecInput = {
        id: `large-${index}`,
        template: templates[index % templates.length],
        title: `Card ${index} with a ${side}×${side} background and logo`,
        author: "Ada Lovelace",
        background: `background-${index}.png`,
        logo: `logo-${index}.png`,
      };
      await renderCard(parseCardSpec(spec), assets);
      peak = Math.max(peak, rss());
    }
    const batchMs = performance.now() - start;
    clearInterval(sampler);
    // The kernel's high-water mark catches a peak between samples.
    peak = Math.max(peak, process.resourceUsage().maxRSS * 1024);
    const afterBatch = rss();
    await sleep(idleMs);
    const idle = rss();
    collectGarbage();
    await sleep(200);
    const afterGc = rss();
    const report = {
      cards,
      assetSide: side,
      encodedAssetMiB: +(assetBytes / 1024 / 1024).toFixed(1),
      batchMs: Math.round(batchMs),
      rssMiB: {
        warm: mib(warm),
        peak: mib(peak),
        afterBatch: mib(afterBatch),
        idle15s: mib(idle),
        afterGc: mib(afterGc),
      },
    };
    log(
      `${cards} cards, each with a distinct ${side}×${side} background and logo (${report.encodedAssetMiB} MiB of PNG): ${report.batchMs} ms`,
    );
    log(
      `RSS: warm ${report.rssMiB.warm} MiB, peak ${report.rssMiB.peak} MiB, after the batch ${report.rssMiB.afterBatch} MiB, after ${idleMs / 1000} s idle ${report.rssMiB.idle15s} MiB, after a full GC ${report.rssMiB.afterGc} MiB`,
    );
    if (json) console.log(JSON.stringify(report, null, 2));
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
