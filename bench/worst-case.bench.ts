// Worst-case card benchmark: the longest synchronous draw of each script's card at its text limits, cold and warm.
import { execFileSync } from "node:child_process";
import { z } from "zod";
import { drawCard } from "../renderer/render";
import { parseCardSpec } from "../renderer/spec/validate";
import { parseJsonDocument } from "../support";
import { median } from "./stats";
import { worstCaseCard, worstCaseScripts, type WorstCaseScript } from "./worstCaseCards";

/** The default size and the largest output the limits allow (4096 × 4096 = limits.maxOutputPixels). */
const sizes = {
  default: { size: "og" },
  largest: { size: { width: 4096, height: 4096 } },
} as const;
type SizeName = keyof typeof sizes;

const warmRuns = 5;
const json = process.argv.includes("--json");

function specOf(script: WorstCaseScript, size: SizeName) {
  return parseCardSpec(worstCaseCard(script, sizes[size]));
}

/**
 * One card in a fresh process: the draw a new worker pays, fonts registered on the way (the
 * synchronous part of renderCard: everything after the images are decoded, before encoding).
 */
async function coldChild(script: WorstCaseScript, size: SizeName): Promise<void> {
  const drawn = await drawCard(specOf(script, size));
  process.stdout.write(JSON.stringify({ drawMs: drawn.drawMs }));
}

/** CPU time of this process in ms: on a busy machine closer to the idle wall time than wall time is. */
const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/** What coldChild prints. */
const coldChildOutputSchema = z.object({ drawMs: z.number().nonnegative() });

function coldDrawMs(script: WorstCaseScript, size: SizeName): number {
  const output = execFileSync(
    process.execPath,
    ["--import", "tsx", __filename, "--cold", script, size],
    { encoding: "utf8" },
  );
  return parseJsonDocument(output, coldChildOutputSchema, "the --cold child's output").drawMs;
}

interface Row {
  script: WorstCaseScript;
  size: SizeName;
  coldDrawMs: number;
  drawMsMedian: number;
  drawMsMax: number;
  /** CPU time of the process during the draw (median). */
  drawCpuMsMedian: number;
  warnings: number;
}

async function measure(script: WorstCaseScript, size: SizeName): Promise<Row> {
  const spec = specOf(script, size);
  const coldDraw = coldDrawMs(script, size);
  await drawCard(spec); // warm-up: fonts registered, JIT
  const draws: number[] = [];
  const cpu: number[] = [];
  let warnings = 0;
  for (let run = 0; run < warmRuns; run++) {
    const start = process.cpuUsage();
    const card = await drawCard(spec);
    cpu.push(cpuMs(start));
    draws.push(card.drawMs);
    warnings = card.warnings.length;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return {
    script,
    size,
    coldDrawMs: coldDraw,
    drawMsMedian: median(draws),
    drawMsMax: Math.max(...draws),
    drawCpuMsMedian: median(cpu),
    warnings,
  };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const size of Object.keys(sizes) as SizeName[]) {
    for (const script of worstCaseScripts) rows.push(await measure(script, size));
  }
  const longest = Math.max(...rows.map((row) => Math.max(row.coldDrawMs, row.drawMsMax)));
  if (json) {
    console.log(JSON.stringify({ warmRuns, rows, longestSynchronousDrawMs: longest }));
    return;
  }
  const cell = (value: number) => value.toFixed(0).padStart(8);
  console.log(
    `worst-case cards (every text field at its limit): synchronous draw in ms; cold = first card of a fresh process; warm: median and max of ${warmRuns}, cpu = median process CPU ms`,
  );
  console.log(
    `${"script".padEnd(18)} ${"size".padEnd(8)} ${"cold".padStart(8)} ${"median".padStart(8)} ${"max".padStart(8)} ${"cpu".padStart(8)}`,
  );
  for (const row of rows) {
    console.log(
      `${row.script.padEnd(18)} ${row.size.padEnd(8)} ${cell(row.coldDrawMs)} ${cell(row.drawMsMedian)} ${cell(row.drawMsMax)} ${cell(row.drawCpuMsMedian)}`,
    );
  }
  console.log(`longest synchronous draw: ${longest.toFixed(0)} ms`);
}

const coldIndex = process.argv.indexOf("--cold");
if (coldIndex >= 0) {
  void coldChild(
    process.argv[coldIndex + 1] as WorstCaseScript,
    process.argv[coldIndex + 2] as SizeName,
  );
} else {
  void main();
}
