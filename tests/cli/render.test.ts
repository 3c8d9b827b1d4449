// `cardpress render`: local files from a spec or batch; invalid items reported, exit code 1 when any failed.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { renderToFiles } from "../../cli/commands/render";

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

  it("gives one clear sentence and exit 2 for a file that is not JSON", () => {
    const broken = path.join(outDir, "broken.json");
    fs.writeFileSync(broken, "{ not json");
    const run = runCli(["render", broken, "-o", outDir]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^cardpress: .*broken\.json is not valid JSON .*fix the file/m);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
