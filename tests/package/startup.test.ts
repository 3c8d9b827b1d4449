// CLI start-up: each command loads only the packages it needs (`npm run bench:cli` times it; this checks why).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const rootDir = path.resolve(__dirname, "../..");

/** Packages whose loading dominates start-up (measured: README, Performance). */
const storagePackages = ["@azure/storage-blob", "@azure/storage-queue", "@azure/functions"];
const renderPackages = ["zod", "sharp", "@napi-rs/canvas", "linebreak"];

let workDir: string;

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-startup-"));
  // Prints the packages in node_modules that the process loaded (CommonJS), once it exits.
  fs.writeFileSync(
    path.join(workDir, "loaded-packages.cjs"),
    `process.on("exit", () => {
  const names = new Set();
  for (const file of Object.keys(require.cache)) {
    const parts = file.split(/[\\\\/]/);
    const at = parts.lastIndexOf("node_modules");
    if (at < 0) continue;
    const [scope, name] = parts.slice(at + 1);
    names.add(scope.startsWith("@") ? scope + "/" + name : scope);
  }
  require("node:fs").writeFileSync(process.env.LOADED_PACKAGES_FILE, JSON.stringify([...names]));
});`,
  );
});

afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

/** Runs the CLI from its sources and returns the packages it loaded. */
function loadedPackages(args: string[]): { status: number | null; packages: string[] } {
  const record = path.join(workDir, `loaded-${args[0]}-${Date.now()}.json`);
  const result = spawnSync(
    process.execPath,
    [
      "--require",
      path.join(workDir, "loaded-packages.cjs"),
      "--import",
      "tsx",
      path.join(rootDir, "cli", "main.ts"),
      ...args,
    ],
    // From the repository, where `--import tsx` resolves; files are given as absolute paths.
    { cwd: rootDir, encoding: "utf8", env: { ...process.env, LOADED_PACKAGES_FILE: record } },
  );
  if (!fs.existsSync(record)) throw new Error(`no record of loaded packages: ${result.stderr}`);
  return {
    status: result.status,
    packages: JSON.parse(fs.readFileSync(record, "utf8")) as string[],
  };
}

test("--help and --version load commander only: no renderer, no storage SDK", () => {
  for (const args of [["--help"], ["--version"], ["enqueue", "--help"]]) {
    const { status, packages } = loadedPackages(args);
    expect(status).toBe(0);
    expect(packages).toContain("commander");
    const heavy = packages.filter((name) => [...storagePackages, ...renderPackages].includes(name));
    expect({ args, heavy }).toEqual({ args, heavy: [] });
  }
});

test("render loads the renderer but never the Azure Storage SDK or the Functions library", () => {
  fs.copyFileSync(path.join(rootDir, "examples", "card.json"), path.join(workDir, "card.json"));
  fs.cpSync(path.join(rootDir, "examples", "assets"), path.join(workDir, "assets"), {
    recursive: true,
  });
  const { status, packages } = loadedPackages([
    "render",
    path.join(workDir, "card.json"),
    "-o",
    path.join(workDir, "out"),
  ]);
  expect(status).toBe(0);
  expect(fs.existsSync(path.join(workDir, "out", "hello.png"))).toBe(true);
  expect(packages).toEqual(expect.arrayContaining(["zod", "sharp", "@napi-rs/canvas"]));
  expect(packages.filter((name) => name.startsWith("@azure/") || name === "cli-progress")).toEqual(
    [],
  );
});
