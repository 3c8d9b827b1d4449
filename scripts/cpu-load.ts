// Bounded CPU load for running tests on a busy machine: N busy-looping threads for T seconds, then it exits.
import { Worker } from "node:worker_threads";

/*
 * Usage: npx tsx scripts/cpu-load.ts [--threads N] [--seconds T]
 *   --threads  busy threads (default 1: one of two cores taken), 1–64
 *   --seconds  how long (default 60), 1–3600; the process exits on its own afterwards
 * Example, the local-stack tests with one core taken:
 *   npx tsx scripts/cpu-load.ts --threads 1 --seconds 120 & npx jest tests/local --maxWorkers=1
 */

interface LoadOptions {
  threads: number;
  seconds: number;
}

function parseArgs(argv: string[]): LoadOptions {
  const options: LoadOptions = { threads: 1, seconds: 60 };
  const limits = { threads: [1, 64], seconds: [1, 3600] } as const;
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const name = flag === "--threads" ? "threads" : flag === "--seconds" ? "seconds" : undefined;
    const value = Number(argv[i + 1]);
    if (!name)
      throw new Error(`unknown option ${String(flag)}; expected --threads N or --seconds T`);
    const [min, max] = limits[name];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(
        `${flag}: expected a whole number ${min}–${max}, received ${String(argv[i + 1])}`,
      );
    }
    options[name] = value;
  }
  return options;
}

/**
 * The busy loop, as plain JavaScript run with `eval` (a worker cannot load this .ts file itself);
 * it checks the clock only every million iterations to stay busy.
 */
const spinSource = `
const { workerData } = require("node:worker_threads");
let x = 0;
while (Date.now() < workerData) {
  for (let i = 0; i < 1000000; i++) x = (x * 31 + i) | 0;
}
`;

function main(): void {
  let options: LoadOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`cpu-load: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const untilMs = Date.now() + options.seconds * 1000;
  process.stderr.write(`cpu-load: ${options.threads} busy thread(s) for ${options.seconds} s\n`);
  const workers = Array.from(
    { length: options.threads },
    () => new Worker(spinSource, { eval: true, workerData: untilMs }),
  );
  // A hard stop as well, in case a thread misses its deadline.
  setTimeout(() => process.exit(0), options.seconds * 1000 + 2_000).unref();
  for (const worker of workers)
    worker.once("error", (error) => process.stderr.write(`cpu-load: ${String(error)}\n`));
}

main();
