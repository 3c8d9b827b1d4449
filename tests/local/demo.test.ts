// `cardpress demo` end to end (run once), then its contact sheet in real headless Chromium.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const repoRoot = path.join(__dirname, "../..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-demo-"));
const outDir = path.join(tmp, "out");
const chromiumPath = "/usr/bin/chromium";
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface DemoJson {
  files: { id: string; file: string; url: string }[];
  failed: unknown[];
  contactSheet: string;
}

let demo: { status: number | null; seconds: number; result: DemoJson } | undefined;

beforeAll(() => {
  const started = Date.now();
  // What `npm run demo` runs, with the output folder in a temporary directory.
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", "cli/main.ts", "demo", "--out", outDir, "--json"],
    {
      cwd: repoRoot,
      encoding: "utf8",
      env: { ...process.env, CARDPRESS_STATE_DIR: tmp },
      timeout: 90_000,
    },
  );
  if (run.status !== 0) throw new Error(`demo failed (${run.status}):\n${run.stderr}`);
  demo = {
    status: run.status,
    seconds: (Date.now() - started) / 1000,
    result: JSON.parse(run.stdout) as DemoJson,
  };
}, 100_000);

test("the demo renders every example card, downloads them and writes a contact sheet, in well under a minute", () => {
  if (!demo) throw new Error("demo did not run");
  const examples = JSON.parse(
    fs.readFileSync(path.join(repoRoot, "examples/batch.json"), "utf8"),
  ) as { items: { id: string }[] };
  expect(demo.status).toBe(0);
  expect(demo.seconds).toBeLessThan(45);
  expect(demo.result.failed).toEqual([]);
  expect(demo.result.files.map((f) => f.id).sort()).toEqual(examples.items.map((i) => i.id).sort());
  for (const file of demo.result.files) {
    expect(fs.statSync(file.file).size).toBeGreaterThan(1000);
    expect(file.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1\/renders\/.+\?.*sig=/);
  }
  const html = fs.readFileSync(path.join(outDir, "index.html"), "utf8");
  for (const file of demo.result.files) {
    expect(html).toContain(`src="./${path.basename(file.file)}"`);
    expect(html).toContain(file.id);
  }
  // Offline page: nothing but the SAS links points outside the folder.
  expect(html).not.toMatch(/<(img|script|link)[^>]+(src|href)="(https?:)?\/\//);
});

const hasChromium = fs.existsSync(chromiumPath);
if (!hasChromium) {
  console.warn(
    `skipping the contact-sheet browser test: ${chromiumPath} is missing (install it with scripts/ensure-chromium.sh)`,
  );
}

(hasChromium ? test : test.skip)(
  "the contact sheet loads in headless Chromium and every image decodes",
  async () => {
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-gpu",
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      await page.goto(`file://${path.join(outDir, "index.html")}`, { waitUntil: "load" });
      const images = await page.$$eval("img", (elements) =>
        Promise.all(
          elements.map(async (img) => {
            await img.decode().catch(() => undefined);
            return { src: img.getAttribute("src"), naturalWidth: img.naturalWidth };
          }),
        ),
      );
      expect(images).toHaveLength(demo?.result.files.length ?? -1);
      for (const image of images) expect(image).toMatchObject({ naturalWidth: expect.any(Number) });
      expect(images.filter((image) => image.naturalWidth === 0)).toEqual([]);
      expect(await page.locator("figcaption").count()).toBe(images.length);
      expect(errors).toEqual([]);
      await page.screenshot({ path: path.join(outDir, "contact-sheet.png") });
    } finally {
      await browser.close();
    }
  },
);
