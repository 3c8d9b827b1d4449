// Builds the deployment package once (as `npm run package` does) and checks what the Functions host will get.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { allFontFiles } from "../../renderer/fonts/loader";
import { hashPackageFolder, listPackageFiles, zippedEntries } from "../../infra/deploymentPackage";
import { buildPackage, type PackageReport } from "../../scripts/package";

const rootDir = path.resolve(__dirname, "../..");
const rootManifest = JSON.parse(fs.readFileSync(path.join(rootDir, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const megabyte = 1_000_000;

let report: PackageReport;
let outDir: string;
let files: string[];

beforeAll(() => {
  // Outside the repository, so nothing resolves from the root node_modules by accident.
  outDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-package-")), "package");
  report = buildPackage({ rootDir, outDir });
  files = listPackageFiles(outDir);
  console.info(
    `package: ${report.files} files, ${(report.bytes / megabyte).toFixed(1)} MB unzipped, built in ${report.seconds.toFixed(1)} s`,
  );
}, 240_000);

afterAll(() => {
  if (outDir) fs.rmSync(path.dirname(outDir), { recursive: true, force: true });
});

function sizeOf(prefix: string): number {
  return files
    .filter((file) => file.startsWith(prefix))
    .reduce((sum, file) => sum + fs.statSync(path.join(outDir, file)).size, 0);
}

test("Pulumi can zip the package as built: no link it would drop, and the hash sees every member", () => {
  const entries = zippedEntries(outDir);
  expect(
    entries.filter((entry) => entry.linkTarget === undefined).map((entry) => entry.path),
  ).toEqual(files);
  const links = entries.filter((entry) => entry.linkTarget !== undefined);
  console.info(`package: ${links.length} symlinks to files, zipped as copies of their targets`);
  expect(hashPackageFolder(outDir)).toMatch(/^[0-9a-f]{64}$/);
});

test("host.json is the repository's, at the package root", () => {
  expect(fs.readFileSync(path.join(outDir, "host.json"), "utf8")).toBe(
    fs.readFileSync(path.join(rootDir, "host.json"), "utf8"),
  );
});

test("package.json has the host's main glob (not the library's main) and the runtime dependencies only", () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(outDir, "package.json"), "utf8")) as Record<
    string,
    unknown
  >;
  expect(manifest.main).toBe("dist/functions/*.js");
  expect(manifest.dependencies).toEqual(rootManifest.dependencies);
  expect(manifest).not.toHaveProperty("devDependencies");
  expect(manifest).not.toHaveProperty("scripts");
});

test("every function in functions/ has its compiled entry point under the main glob", () => {
  const sources = fs
    .readdirSync(path.join(rootDir, "functions"))
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"));
  const compiled = files
    .filter((file) => /^dist\/functions\/[^/]+\.js$/.test(file))
    .map((file) => path.basename(file, ".js"));
  expect(compiled.sort()).toEqual(sources.map((file) => path.basename(file, ".ts")).sort());
});

test("every entry point loads from the package alone (its own node_modules)", () => {
  const entries = files.filter((file) => /^dist\/functions\/[^/]+\.js$/.test(file));
  expect(entries.length).toBeGreaterThan(0);
  const script = entries.map((entry) => `require(${JSON.stringify(`./${entry}`)});`).join("\n");
  const result = spawnSync(process.execPath, ["-e", script], {
    cwd: outDir,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", NODE_PATH: "" },
  });
  expect(result.stderr.replace(/^WARNING: .*$/gm, "").trim()).toBe("");
  expect(result.status).toBe(0);
});

test("the Linux x64 glibc binaries of canvas and sharp are there", () => {
  expect(files).toContain("node_modules/@napi-rs/canvas-linux-x64-gnu/skia.linux-x64-gnu.node");
  expect(
    files.some((file) =>
      /^node_modules\/@img\/sharp-linux-x64\/lib\/sharp-linux-x64.*\.node$/.test(file),
    ),
  ).toBe(true);
  expect(
    files.some((file) =>
      /^node_modules\/@img\/sharp-libvips-linux-x64\/lib\/libvips-cpp\.so/.test(file),
    ),
  ).toBe(true);
  // Nothing for other platforms (musl, arm, macOS, Windows).
  expect(
    files.filter((file) =>
      /(darwin|win32|musl|arm64|linuxmusl)/.test(file.split("/").slice(0, 3).join("/")),
    ),
  ).toEqual([]);
});

test("exactly the fonts the renderer may load, plus the loader's metadata", () => {
  const rootModules = path.join(rootDir, "node_modules");
  const expected = allFontFiles()
    .map((file) => `node_modules/${path.relative(rootModules, file).split(path.sep).join("/")}`)
    .sort();
  const shipped = files
    .filter((file) => /^node_modules\/@fontsource\/.*\.(woff2?|ttf|otf)$/.test(file))
    .sort();
  expect(shipped).toEqual(expected);
  for (const packageName of Object.keys(rootManifest.dependencies).filter((name) =>
    name.startsWith("@fontsource/"),
  )) {
    expect(files).toContain(`node_modules/${packageName}/unicode.json`);
    expect(files).toContain(`node_modules/${packageName}/package.json`);
  }
});

test("the packaged renderer draws Latin, CJK, Korean, Hebrew, Arabic and emoji without missing glyphs", () => {
  const script = `
    const renderer = require("./dist/renderer");
    const spec = renderer.parseCardSpec({ template: "classic", title: "Hello 你好 안녕 שלום مرحبا 🎉", format: "png" });
    renderer.renderCard(spec).then((card) => {
      process.stdout.write(JSON.stringify({ signature: Buffer.from(card.bytes).subarray(0, 4).toString("hex"), warnings: card.warnings }));
    });`;
  const result = spawnSync(process.execPath, ["-e", script], {
    cwd: outDir,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", NODE_PATH: "" },
  });
  expect(result.stderr).toBe("");
  expect(JSON.parse(result.stdout)).toEqual({ signature: "89504e47", warnings: [] });
});

test("no development dependencies, tests or TypeScript sources", () => {
  const topLevel = new Set(
    files
      .filter((file) => file.startsWith("node_modules/"))
      .map((file) =>
        file
          .split("/")
          .slice(1, file.split("/")[1]?.startsWith("@") ? 3 : 2)
          .join("/"),
      ),
  );
  for (const devDependency of Object.keys(rootManifest.devDependencies)) {
    expect([devDependency, topLevel.has(devDependency)]).toEqual([devDependency, false]);
  }
  expect(files.filter((file) => file.startsWith("tests/") || /\.test\.js$/.test(file))).toEqual([]);
  expect(files.filter((file) => file.startsWith("dist/") && file.endsWith(".ts"))).toEqual([]);
});

test("size: the native binaries and fonts dominate, everything else stays small", () => {
  const nativeAndFonts =
    sizeOf("node_modules/@napi-rs/") +
    sizeOf("node_modules/@img/") +
    sizeOf("node_modules/@fontsource/");
  console.info(
    `native binaries + fonts ${(nativeAndFonts / megabyte).toFixed(1)} MB, rest ${((report.bytes - nativeAndFonts) / megabyte).toFixed(1)} MB`,
  );
  expect(report.bytes).toBeLessThanOrEqual(95 * megabyte);
  expect(report.bytes - nativeAndFonts).toBeLessThanOrEqual(20 * megabyte);
});
