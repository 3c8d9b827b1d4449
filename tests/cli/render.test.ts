// `cardpress render`: local files from a spec or batch; invalid items reported, exit 1 when some failed, 2 when nothing could render.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { renderToFiles } from "../../cli/commands/render";
import { renderExitCode } from "../../cli/exitCodes";

const root = path.join(__dirname, "..", "..");
const tsx = path.join(root, "node_modules", ".bin", "tsx");

function runCli(args: string[]) {
  return spawnSync(tsx, [path.join(root, "cli", "main.ts"), ...args], {
    cwd: root,
    encoding: "utf8",
  });
}

describe("cardpress render", () => {
  let outDir: string;
  beforeEach(() => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-render-"));
  });
  afterEach(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it("renders every item of the examples batch to decodable files", async () => {
    const results = await renderToFiles(path.join(root, "examples", "batch.json"), {
      outDir,
      concurrency: 2,
    });
    expect(results.length).toBeGreaterThanOrEqual(20);
    expect(results.filter((result) => !result.ok)).toEqual([]);
    for (const result of results) {
      if (!result.ok) continue;
      const metadata = await sharp(result.file).metadata();
      expect([metadata.width, metadata.height]).toEqual([result.width, result.height]);
    }
    const formats = new Set(results.map((result) => (result.ok ? path.extname(result.file) : "")));
    expect(formats).toEqual(new Set([".png", ".jpg", ".webp", ".avif"]));
  });

  it("reports invalid items, renders the valid ones and exits 1", () => {
    const run = runCli([
      "render",
      path.join(root, "examples", "invalid.json"),
      "-o",
      outDir,
      "--json",
    ]);
    expect(run.status).toBe(1);
    const { results } = JSON.parse(run.stdout) as {
      results: { id: string; ok: boolean; errors?: { path: string }[] }[];
    };
    expect(results.map((result) => [result.id, result.ok])).toEqual([
      ["fine", true],
      ["typo", false],
      ["too-big", false],
      ["bad-colour", false],
      ["traversal", false],
      ["missing-logo", false],
    ]);
    expect(results[1]?.errors?.[0]?.path).toBe("items[1].titel");
    expect(fs.readdirSync(outDir)).toEqual(["fine.png"]);
  });

  it("renders a single spec and exits 0, printing where the file went", () => {
    const run = runCli(["render", path.join(root, "examples", "card.json"), "-o", outDir]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(path.join(outDir, "hello.png"));
    expect(fs.existsSync(path.join(outDir, "hello.png"))).toBe(true);
  });

  it("gives one clear sentence and exit 2 for a file that is not JSON, with line and column", () => {
    const broken = path.join(outDir, "broken.json");
    fs.writeFileSync(broken, '{\n  "title": "Hi"\n  "subtitle": "there"\n}\n');
    const run = runCli(["render", broken, "-o", outDir]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `cardpress: ${broken}:3:3: invalid JSON: expected "," or "}" after a property value, found "\\"subtitle\\""; fix the file and try again\n`,
    );
  });

  it("exits 2 for a lone invalid card, labelled by its id, with a suggestion", () => {
    const file = path.join(outDir, "one.json");
    fs.writeFileSync(file, JSON.stringify({ id: "launch", titel: "Hi", format: "jpg" }));
    const run = runCli(["render", file, "-o", outDir]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe(
      [
        "✖ launch",
        "  title: required field is missing (expected string)",
        '  titel: unknown field; did you mean "title"?',
        "0 rendered, 1 failed",
        "",
      ].join("\n"),
    );
    const json = runCli(["render", file, "-o", outDir, "--json"]);
    expect(json.status).toBe(2);
    expect((JSON.parse(json.stdout) as { results: { id: string }[] }).results[0]?.id).toBe(
      "launch",
    );
  });

  it("exits 2 when no card of a batch could render, 1 when only some failed", async () => {
    const batch = path.join(outDir, "all-invalid.json");
    fs.writeFileSync(
      batch,
      JSON.stringify({
        items: [
          { id: "a", titel: "x" },
          { id: "b", title: "x", format: "gif" },
        ],
      }),
    );
    const results = await renderToFiles(batch, { outDir, concurrency: 1 });
    expect(results.map((result) => result.ok)).toEqual([false, false]);
    expect(renderExitCode(results)).toBe(2);
    const [invalid] = results;
    expect(
      renderExitCode([
        { id: "ok", ok: true, file: "ok.png", bytes: 1, width: 1, height: 1, ms: 1, warnings: [] },
        ...(invalid ? [invalid] : []),
      ]),
    ).toBe(1);
  });

  it("renders a card and a batch that carry the README's $schema, and jpg as JPEG", async () => {
    const card = path.join(outDir, "card.json");
    fs.writeFileSync(
      card,
      JSON.stringify({ $schema: "./schema/card.schema.json", id: "solo", title: "Hi" }),
    );
    const batch = path.join(outDir, "batch.json");
    fs.writeFileSync(
      batch,
      JSON.stringify({
        $schema: "./schema/card.schema.json",
        defaults: { theme: { background: "rebeccapurple" } },
        items: [{ id: "photo", title: "Hi", format: "jpg" }],
      }),
    );
    for (const file of [card, batch]) {
      const run = runCli(["render", file, "-o", outDir]);
      expect([run.status, run.stderr]).toEqual([0, ""]);
    }
    expect((await sharp(path.join(outDir, "solo.png")).metadata()).format).toBe("png");
    expect((await sharp(path.join(outDir, "photo.jpg")).metadata()).format).toBe("jpeg");
  });
});
