// Writes renderer/fonts/shippedCoverage.ts from the shipped fonts' cmaps (a test checks the committed file is current).
import fs from "node:fs";
import path from "node:path";
import * as prettier from "prettier";
import { readShippedCoverage, shippedCoverageSource } from "../renderer/fonts/coverageIndex";

async function main(): Promise<void> {
  const file = path.join(__dirname, "..", "renderer", "fonts", "shippedCoverage.ts");
  const started = performance.now();
  const source = shippedCoverageSource(readShippedCoverage());
  const options = (await prettier.resolveConfig(file)) ?? {};
  fs.writeFileSync(file, await prettier.format(source, { ...options, filepath: file }));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`wrote ${path.relative(process.cwd(), file)} in ${seconds} s`);
}

void main();
