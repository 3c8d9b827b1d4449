// `npm pack`, then install the tarball as a project dependency and globally: the bin and the library render cards there.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";

const rootDir = path.resolve(__dirname, "../..");
const rootManifest = JSON.parse(fs.readFileSync(path.join(rootDir, "package.json"), "utf8")) as {
  version: string;
  files: string[];
};
const buildConfig = JSON.parse(
  fs.readFileSync(path.join(rootDir, "tsconfig.build.json"), "utf8"),
) as { include: string[] };

/** What `npm pack` needs from the repository: the build's sources and configs, and what `files` ships. */
const stagedPaths = [
  "package.json",
  "README.md",
  "tsconfig.json",
  "tsconfig.build.json",
  "scripts/pack-hooks.ts",
  ...buildConfig.include,
  ...rootManifest.files.filter((entry) => !entry.startsWith("!") && !entry.startsWith("dist")),
];

/** npm's own settings from a parent `npm test` (npm_config_*) must not leak into these installs. */
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)),
) as NodeJS.ProcessEnv;
const npmFlags = ["--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];

let workDir: string;
let tarball: string;
let tarballFiles: string[];
let projectDir: string;
const timings: Record<string, number> = {};
let installWarnings = "";

function run(
  step: string,
  command: string,
  args: string[],
  cwd: string,
): SpawnSyncReturns<string> & { ms: number } {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: cleanEnv });
  const ms = performance.now() - started;
  timings[step] = Math.round(ms);
  return Object.assign(result, { ms });
}

function expectSuccess(result: SpawnSyncReturns<string>): void {
  expect({ status: result.status, stderr: result.stderr }).toEqual({
    status: 0,
    stderr: expect.any(String),
  });
}

async function expectPng(file: string, width: number, height: number): Promise<Buffer> {
  const bytes = fs.readFileSync(file);
  expect(bytes.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
  const metadata = await sharp(bytes).metadata();
  expect([metadata.format, metadata.width, metadata.height]).toEqual(["png", width, height]);
  return bytes;
}

/** A card with a logo, written into `dir` with its asset, as a user's project would have it. */
function writeCard(dir: string): string {
  fs.mkdirSync(path.join(dir, "assets"), { recursive: true });
  fs.copyFileSync(
    path.join(rootDir, "examples", "assets", "logo.png"),
    path.join(dir, "assets", "logo.png"),
  );
  const card = {
    id: "installed",
    title: "Rendered by an installed cardpress",
    subtitle: "npm pack → npm install",
    format: "png",
    logo: "assets/logo.png",
  };
  fs.writeFileSync(path.join(dir, "card.json"), JSON.stringify(card, null, 2));
  return path.join(dir, "card.json");
}

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-install-"));
  // Packed from a copy, so `npm pack` (which empties and rebuilds dist/ and rewrites package.json
  // while it packs) never touches the repository's files while other tests use them.
  const stage = path.join(workDir, "stage");
  for (const entry of stagedPaths) {
    fs.cpSync(path.join(rootDir, entry), path.join(stage, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(rootDir, "node_modules"), path.join(stage, "node_modules"), "dir");
  const pack = run(
    "npm pack (prepack: clean build)",
    "npm",
    ["pack", "--json", "--pack-destination", workDir, "--loglevel=error"],
    stage,
  );
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stdout}${pack.stderr}`);
  const [packed] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf("["))) as {
    filename: string;
    files: { path: string }[];
  }[];
  if (!packed) throw new Error(`npm pack printed no package: ${pack.stdout}`);
  tarball = path.join(workDir, packed.filename);
  tarballFiles = packed.files.map((file) => file.path);

  projectDir = path.join(workDir, "project");
  fs.mkdirSync(projectDir);
  fs.writeFileSync(
    path.join(projectDir, "package.json"),
    JSON.stringify({ name: "my-blog", version: "1.0.0", private: true }),
  );
  // Default log level: the install's warnings are what a user would see.
  const install = run(
    "npm install <tarball>",
    "npm",
    ["install", tarball, ...npmFlags.filter((flag) => !flag.startsWith("--loglevel"))],
    projectDir,
  );
  if (install.status !== 0) throw new Error(`npm install failed:\n${install.stderr}`);
  installWarnings = install.stderr;
}, 480_000);

afterAll(() => {
  console.info(`install test timings (ms): ${JSON.stringify(timings)}`);
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

test("the tarball holds the compiled code, its type declarations, the bin and the stack's files — no sources, tests or maps", () => {
  for (const file of [
    "package.json",
    "README.md",
    "bin/cardpress.js",
    "dist/index.js",
    "dist/index.d.ts",
    "dist/cli/main.js",
    "dist/functions/renderBatch.js",
    "host.json",
    "examples/batch.json",
    "examples/assets/logo.png",
    "schema/card.schema.json",
  ]) {
    expect([file, tarballFiles.includes(file)]).toEqual([file, true]);
  }
  expect(
    tarballFiles.filter(
      (file) =>
        (file.endsWith(".ts") && !file.endsWith(".d.ts")) ||
        file.endsWith(".map") ||
        file.startsWith("tests/") ||
        file.startsWith("dist/bench/") ||
        file.startsWith("infra/"),
    ),
  ).toEqual([]);
});

test("the packed package.json has no prepare script (npm would flag it as an install script); the clone's is restored", () => {
  const packed = spawnSync("tar", ["-xOzf", tarball, "package/package.json"], { encoding: "utf8" });
  const manifest = JSON.parse(packed.stdout) as { scripts: Record<string, string>; main: string };
  expect(manifest.scripts).not.toHaveProperty("prepare");
  expect(manifest.main).toBe("dist/index.js");
  expect(fs.readFileSync(path.join(workDir, "stage", "package.json"), "utf8")).toBe(
    fs.readFileSync(path.join(rootDir, "package.json"), "utf8"),
  );
  expect(fs.existsSync(path.join(workDir, "stage", ".package.json.packing"))).toBe(false);
});

test("installing on Node 20 warns of no engine mismatch, install script or peer conflict", () => {
  expect(installWarnings).not.toMatch(/EBADENGINE|ERESOLVE|install script|allowScripts|peer dep/i);
});

test("npx cardpress in the project renders a card with its logo to a PNG", async () => {
  writeCard(projectDir);
  const result = run(
    "npx cardpress render (project)",
    "npx",
    ["--no", "cardpress", "render", "card.json", "-o", "out"],
    projectDir,
  );
  expectSuccess(result);
  expect(result.stdout).toMatch(/✔ installed → out[/\\]installed\.png \(1200×630/);
  await expectPng(path.join(projectDir, "out", "installed.png"), 1200, 630);
});

test("cardpress --version prints the package's version", () => {
  const result = run("npx cardpress --version", "npx", ["--no", "--", "cardpress", "--version"], projectDir);
  expectSuccess(result);
  expect(result.stdout.trim()).toBe(rootManifest.version);
});

test("the library renders the same bytes from ESM (import) and CommonJS (require) as the bin", async () => {
  writeCard(projectDir);
  const script = (load: string) => `${load}
const fs = require("node:fs");
const card = JSON.parse(fs.readFileSync("card.json", "utf8"));
const invalid = validateCard({ title: 42, titel: "typo" });
if (invalid.ok || invalid.issues.length === 0) throw new Error("validateCard accepted an invalid card");
const valid = validateCard(card);
if (!valid.ok) throw new Error(JSON.stringify(valid.issues));
renderCard(card, { assets: { "assets/logo.png": fs.readFileSync("assets/logo.png") } }).then((rendered) => {
  fs.writeFileSync(process.argv[2], rendered.bytes);
  console.log(JSON.stringify({ width: rendered.width, height: rendered.height, warnings: rendered.warnings }));
});`;
  fs.writeFileSync(
    path.join(projectDir, "render.mjs"),
    script(`import { renderCard, validateCard } from "cardpress";\nimport { createRequire } from "node:module";\nconst require = createRequire(import.meta.url);`),
  );
  fs.writeFileSync(
    path.join(projectDir, "render.cjs"),
    script(`const { renderCard, validateCard } = require("cardpress");`),
  );
  const esm = run("library (ESM)", process.execPath, ["render.mjs", "esm.png"], projectDir);
  expectSuccess(esm);
  const cjs = run("library (CommonJS)", process.execPath, ["render.cjs", "cjs.png"], projectDir);
  expectSuccess(cjs);
  for (const result of [esm, cjs]) {
    expect(JSON.parse(result.stdout)).toEqual({ width: 1200, height: 630, warnings: [] });
  }
  const fromEsm = await expectPng(path.join(projectDir, "esm.png"), 1200, 630);
  const fromCjs = await expectPng(path.join(projectDir, "cjs.png"), 1200, 630);
  expect(fromCjs.equals(fromEsm)).toBe(true);
  const fromBin = path.join(projectDir, "out", "installed.png");
  if (fs.existsSync(fromBin)) expect(fs.readFileSync(fromBin).equals(fromEsm)).toBe(true);
});

test("the library's types compile in a strict TypeScript project (node16 resolution, through exports)", () => {
  fs.writeFileSync(
    path.join(projectDir, "cover.mts"),
    `import { renderCard, validateCard, type CardSpecInput, type RenderedCard } from "cardpress";
const card: CardSpecInput = { title: "Typed", template: "minimal", format: "webp" };
const checked = validateCard(card);
if (!checked.ok) throw new Error(checked.issues.map((issue) => issue.path + ": " + issue.message).join("\\n"));
const rendered: Promise<RenderedCard> = renderCard(checked.spec);
export const bytes: Promise<Uint8Array> = rendered.then((result) => result.bytes);
// @ts-expect-error: the title must be a string
void renderCard({ title: 42 });
`,
  );
  const result = run(
    "tsc (consumer types)",
    process.execPath,
    [
      path.join(rootDir, "node_modules", "typescript", "bin", "tsc"),
      "--noEmit",
      "--strict",
      "--module",
      "node16",
      "--moduleResolution",
      "node16",
      "--target",
      "es2022",
      "--skipLibCheck",
      "--typeRoots",
      path.join(rootDir, "node_modules", "@types"),
      "--types",
      "node",
      "cover.mts",
    ],
    projectDir,
  );
  expect(result.stdout + result.stderr).toBe("");
  expect(result.status).toBe(0);
});

test("cardpress start without Azurite says how to install it (exit 2), instead of a stack trace", () => {
  const result = run(
    "npx cardpress start (no azurite)",
    "npx",
    ["--no", "cardpress", "start", "--in-memory", "--port", "0"],
    projectDir,
  );
  expect(result.stderr).toMatch(/Azurite, which is not installed.*npm install/);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.status).toBe(2);
});

test("npm install -g: the cardpress command works from any folder", async () => {
  const prefix = path.join(workDir, "global");
  const install = run(
    "npm install -g <tarball>",
    "npm",
    ["install", "-g", "--prefix", prefix, tarball, ...npmFlags],
    workDir,
  );
  expect(install.stderr).toBe("");
  expect(install.status).toBe(0);
  const elsewhere = path.join(workDir, "somewhere", "else");
  writeCard(elsewhere);
  const bin =
    process.platform === "win32"
      ? path.join(prefix, "cardpress.cmd")
      : path.join(prefix, "bin", "cardpress");
  const result = run(
    "global cardpress render",
    bin,
    ["render", "card.json", "-o", path.join(elsewhere, "cards")],
    elsewhere,
  );
  expectSuccess(result);
  await expectPng(path.join(elsewhere, "cards", "installed.png"), 1200, 630);
}, 300_000);
