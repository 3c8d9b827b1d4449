// A/B: the standard card through the template engine (this checkout) against the code templates it replaced (commit c991442).
//
// The "before" is the committed code at c991442, extracted with `git archive` into out/bench-before/
// (kept there; re-extracted when missing) and run against this checkout's node_modules: the
// reference stays byte-for-byte the code that was measured, with no frozen copy to maintain. It
// needs the commit in the clone (a normal clone has it; a shallow one: `git fetch --unshallow`).
// Each side runs in its own process (nothing shared: fonts, caches, JIT), alternating, several rounds.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseJsonDocument } from "../support";
import { median } from "./stats";

const beforeCommit = "c991442";
const repoRoot = path.join(__dirname, "..");
const beforeRoot = path.join(repoRoot, "out", "bench-before", beforeCommit);
const rounds = 3;
/** Cards each worker process renders (after its warm-up), passed to it and named in the summary. */
const cardsPerProcess = 60;
const json = process.argv.includes("--json");

const workerOutput = z.object({
  drawMs: z.number().nonnegative(),
  totalMs: z.number().nonnegative(),
  pngBytes: z.number().int().positive(),
});
type WorkerOutput = z.infer<typeof workerOutput>;

/** The renderer as it was at `beforeCommit`, extracted once; node_modules is this checkout's. */
function ensureBeforeTree(): void {
  if (fs.existsSync(path.join(beforeRoot, "renderer", "render.ts"))) return;
  fs.mkdirSync(beforeRoot, { recursive: true });
  let archive: Buffer;
  try {
    archive = execFileSync(
      "git",
      ["archive", "--format=tar", beforeCommit, "renderer", "support"],
      {
        cwd: repoRoot,
        maxBuffer: 256 * 1024 * 1024,
      },
    );
  } catch (error) {
    fs.rmSync(beforeRoot, { recursive: true, force: true });
    throw new Error(
      `bench: commit ${beforeCommit} (the code templates) is not in this clone; fetch it (git fetch --unshallow) to run the A/B: ${(error as Error).message}`,
      { cause: error },
    );
  }
  execFileSync("tar", ["-x", "-C", beforeRoot], { input: archive });
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(beforeRoot, "node_modules"), "dir");
}

function runWorker(root: string): WorkerOutput {
  const output = execFileSync(
    process.execPath,
    [
      require.resolve("tsx/cli"),
      path.join(__dirname, "templateAbWorker.ts"),
      "--root",
      root,
      "--cards",
      String(cardsPerProcess),
    ],
    { cwd: repoRoot, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 },
  );
  return parseJsonDocument(output, workerOutput, `bench/templateAbWorker.ts (${root})`);
}

function main(): void {
  ensureBeforeTree();
  const before: WorkerOutput[] = [];
  const after: WorkerOutput[] = [];
  for (let round = 0; round < rounds; round++) {
    before.push(runWorker(beforeRoot));
    after.push(runWorker(repoRoot));
  }
  const summary = (runs: WorkerOutput[]) => ({
    drawMs: median(runs.map((run) => run.drawMs)),
    totalMs: median(runs.map((run) => run.totalMs)),
    pngBytes: runs[0]?.pngBytes ?? 0,
  });
  const a = summary(before);
  const b = summary(after);
  if (json) {
    console.log(JSON.stringify({ before: a, after: b, beforeRuns: before, afterRuns: after }));
    return;
  }
  const line = (name: string, side: ReturnType<typeof summary>) =>
    `${name}: draw ${side.drawMs.toFixed(1)} ms, total ${side.totalMs.toFixed(1)} ms, ${side.pngBytes} bytes`;
  console.log(
    `standard card A/B (median of ${rounds} processes × ${cardsPerProcess} cards each, alternating; draw = layout + paint):`,
  );
  console.log(`  ${line(`code templates (${beforeCommit})`, a)}`);
  console.log(`  ${line("template engine (this checkout)", b)}`);
  console.log(
    `  template engine / code templates: draw ×${(b.drawMs / a.drawMs).toFixed(2)}, total ×${(b.totalMs / a.totalMs).toFixed(2)}`,
  );
}

main();
