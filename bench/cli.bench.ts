// CLI start-up benchmark: wall time of whole `cardpress` processes (compiled bin), side by side with bare `node -e 0`.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { median, percentile } from "./stats";

const root = path.resolve(__dirname, "..");
const bin = path.join(root, "bin", "cardpress.js");
const json = process.argv.includes("--json");
const runsFlag = process.argv.indexOf("--runs");
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 15;
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-cli-bench-"));

/** The processes timed; `target` is the budget for the whole process, in ms. */
const cases = [
  { name: "node -e 0", args: ["-e", "0"] },
  { name: "cardpress --version", args: [bin, "--version"] },
  { name: "cardpress --help", args: [bin, "--help"], target: 150 },
  {
    name: "cardpress render examples/card.json",
    args: [bin, "render", path.join(root, "examples", "card.json"), "-o", outDir],
    target: 250,
  },
] as const;

function timeOnce(args: readonly string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: outDir, encoding: "utf8" });
  const ms = performance.now() - start;
  if (result.status !== 0) {
    throw new Error(`node ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  }
  return ms;
}

if (!fs.existsSync(path.join(root, "dist", "cli", "main.js"))) {
  throw new Error("dist/ is missing: run `npm run build` first (npm run bench:cli does)");
}

const load = os.loadavg()[0] ?? 0;
for (const entry of cases) timeOnce(entry.args); // warm the page cache
const times = cases.map(() => [] as number[]);
// Interleaved, so a burst of load on the machine hits every case alike.
for (let run = 0; run < runs; run++) {
  cases.forEach((entry, index) => times[index]?.push(timeOnce(entry.args)));
}
fs.rmSync(outDir, { recursive: true, force: true });

const baseline = median(times[0] ?? []);
const results = cases.map((entry, index) => {
  const sorted = [...(times[index] ?? [])].sort((a, b) => a - b);
  const ms = median(sorted);
  return {
    name: entry.name,
    medianMs: ms,
    minMs: sorted[0] ?? NaN,
    p90Ms: percentile(sorted, 90),
    overNodeMs: ms - baseline,
    targetMs: "target" in entry ? entry.target : undefined,
  };
});

if (json) {
  console.log(JSON.stringify({ runs, loadAverage1m: load, cpus: os.cpus().length, results }));
} else {
  console.log(
    `CLI start-up, whole processes (compiled bin, median of ${runs} interleaved runs; ${os.cpus().length} cores, load average ${load.toFixed(2)}, node ${process.version}):`,
  );
  for (const result of results) {
    const verdict =
      result.targetMs === undefined
        ? ""
        : ` — target ≤ ${result.targetMs} ms: ${result.medianMs <= result.targetMs ? "met" : "MISSED"}`;
    console.log(
      `  ${result.name.padEnd(38)} ${result.medianMs.toFixed(0).padStart(4)} ms (min ${result.minMs.toFixed(0)}, p90 ${result.p90Ms.toFixed(0)}; +${result.overNodeMs.toFixed(0)} over node)${verdict}`,
    );
  }
}
