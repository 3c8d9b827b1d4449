// examples/batch.json as the load benchmarks reuse it: its defaults and items, validated.
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseJsonDocument } from "../support";

const exampleBatchSchema = z.object({
  defaults: z.record(z.string(), z.unknown()),
  items: z.array(z.looseObject({ id: z.string() })).min(1),
});

export type ExampleBatch = z.infer<typeof exampleBatchSchema>;

export const exampleBatchFile = path.join(__dirname, "..", "examples", "batch.json");

export function readExampleBatch(): ExampleBatch {
  return parseJsonDocument(
    readFileSync(exampleBatchFile, "utf8"),
    exampleBatchSchema,
    exampleBatchFile,
  );
}
