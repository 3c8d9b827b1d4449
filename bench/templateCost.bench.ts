// Calibrates the template content terms of renderer/spec/cost.ts: measured CPU ms of template cards against the model's estimate.
import fs from "node:fs";
import path from "node:path";
import { renderCard } from "../renderer/render";
import { limits } from "../renderer/limits";
import { estimateRenderMs, estimateTemplateContentMs } from "../renderer/spec/cost";
import { cardSpecSchema } from "../renderer/spec/schema";
import { templateHash } from "../renderer/template/hash";
import { templateDocumentSchema, type TemplateDocumentInput } from "../renderer/template/schema";
import type { ParsedTemplate } from "../renderer/template/types";
import { median } from "./stats";
import { charactersFromEverySubset, repeatTo } from "./worstCaseCards";

const runs = 3;
const image = fs.readFileSync(
  path.join(__dirname, "..", "examples", "templates", "assets", "mug.jpg"),
);
const latin = "Shipping reliable social cards at scale with deterministic rendering ";
const cjk = charactersFromEverySubset("Noto Sans SC", 0x4e00, 0x9fff).join("");

/** A template with `count` text nodes, each `{{pN}}` at `length` code points. */
function textTemplate(count: number, length: number, fit: boolean): TemplateDocumentInput {
  const names = Array.from({ length: count }, (_, index) => `p${index}`);
  return {
    name: "bench/text",
    params: Object.fromEntries(names.map((name) => [name, { type: "text", maxLength: length }])),
    root: {
      type: "stack",
      background: "#0f172a",
      padding: 24,
      children: names.map((name) => ({
        type: "text",
        text: `{{${name}}}`,
        color: "#ffffff",
        maxLines: limits.template.maxLines,
        font: { size: fit ? [12, 96] : 32 },
        grow: 1,
      })),
    },
  };
}

/** `count` full-card image nodes, each its own param (`distinct`) or all one. */
function imageTemplate(count: number, distinct: boolean): TemplateDocumentInput {
  const names = Array.from({ length: count }, (_, index) =>
    distinct ? `photo${index}` : "photo0",
  );
  return {
    name: "bench/images",
    params: Object.fromEntries(names.map((name) => [name, { type: "image" }])),
    root: {
      type: "stack",
      children: names.map((name) => ({
        type: "image",
        src: `{{${name}}}`,
        position: "absolute",
        top: 0,
        left: 0,
        width: "100%",
        height: "100%",
      })),
    },
  };
}

interface Case {
  label: string;
  document: TemplateDocumentInput;
  params: Record<string, string>;
  size?: { width: number; height: number };
}

/** Image params named photo0…: each its own asset name (decoded on its own), same bytes. */
function imageCase(count: number, distinct: boolean): Case {
  return {
    label: `${count} ${distinct ? "distinct " : ""}images 1200×630`,
    document: imageTemplate(count, distinct),
    params: Object.fromEntries(
      Array.from({ length: distinct ? count : 1 }, (_, index) => [
        `photo${index}`,
        `mug${index}.jpg`,
      ]),
    ),
  };
}

function textCase(script: "latin" | "cjk", count: number, length: number, fit: boolean): Case {
  const source = script === "latin" ? latin : cjk;
  return {
    label: `${count} text × ${length} ${script}${fit ? " fit 12–96" : ""}`,
    document: textTemplate(count, length, fit),
    params: Object.fromEntries(
      Array.from({ length: count }, (_, index) => [`p${index}`, repeatTo(source, length)]),
    ),
  };
}

const cases: Case[] = [
  { label: "empty (pixels only)", document: textTemplate(0, 1, false), params: {} },
  textCase("latin", 1, 1000, false),
  textCase("latin", 1, 1000, true),
  textCase("cjk", 1, 1000, false),
  textCase("cjk", 1, 1000, true),
  textCase("cjk", 10, 1000, false),
  textCase("cjk", 10, 1000, true),
  textCase("latin", 40, 1000, true),
  textCase("cjk", 40, 1000, true),
  { ...textCase("cjk", 10, 1000, true), size: { width: 4096, height: 4096 } },
  imageCase(1, false),
  imageCase(16, false),
  imageCase(16, true),
];

async function measure(item: Case): Promise<{ cpuMs: number; estimate: number }> {
  const document = templateDocumentSchema.parse(item.document);
  const template: ParsedTemplate = { document, hash: templateHash(document) };
  const spec = cardSpecSchema.parse({
    template: "bench/x",
    title: "x",
    params: item.params,
    ...(item.size ? { size: item.size } : {}),
  });
  const assets = new Map(Array.from({ length: 16 }, (_, index) => [`mug${index}.jpg`, image]));
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const cpu = process.cpuUsage();
    await renderCard(spec, assets, undefined, template);
    const used = process.cpuUsage(cpu);
    samples.push((used.user + used.system) / 1000);
  }
  const estimate =
    estimateRenderMs(spec) + estimateTemplateContentMs(document, { spec, params: item.params }).ms;
  // The first run registers fonts; the median is the warm cost the model is for.
  return { cpuMs: median(samples), estimate };
}

async function main(): Promise<void> {
  console.log(`template cards, PNG (1200×630 unless named), median of ${runs} runs; ms of CPU`);
  console.log(`${"case".padEnd(34)} ${"estimate".padStart(9)} ${"cpu".padStart(7)} ratio`);
  for (const item of cases) {
    const { cpuMs, estimate } = await measure(item);
    console.log(
      `${`${item.label}${item.size ? ` at ${item.size.width}²` : ""}`.padEnd(34)} ${String(estimate).padStart(9)} ${String(Math.round(cpuMs)).padStart(7)} ${(cpuMs / estimate).toFixed(2)}`,
    );
  }
}

void main();
