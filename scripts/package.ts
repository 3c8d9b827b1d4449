// Builds the Functions deployment folder: compiled JS, host.json, Linux x64 production node_modules, shipped fonts only.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { listPackageFiles } from "../infra/deploymentPackage";
import { allFontFiles } from "../renderer/fonts/loader";
import { parseJsonDocument } from "../support";

/**
 * The platform the package runs on (Azure Functions Linux Consumption): npm installs the matching
 * optional native packages (`@napi-rs/canvas-linux-x64-gnu`, `@img/sharp-linux-x64`) whatever
 * machine builds the package.
 */
export const targetPlatform = { os: "linux", cpu: "x64", libc: "glibc" } as const;

/**
 * The Linux x64 glibc builds of our native modules. An npm that ignores `--libc` (or `--os`/`--cpu`)
 * on a macOS or Windows machine silently skips them, so their presence is checked.
 */
export const requiredNativePackages = [
  "@napi-rs/canvas-linux-x64-gnu",
  "@img/sharp-linux-x64",
  "@img/sharp-libvips-linux-x64",
] as const;

/**
 * The Functions host's entry: every compiled function module. It is the deployment package's `main`
 * only; the repository's package.json `main`/`exports` are the library entry (`dist/index.js`) that
 * `npm pack` users import (README, Install).
 */
export const functionsHostMain = "dist/functions/*.js";

/** Files of an @fontsource package the font loader reads besides the font files themselves. */
const fontPackageMetadata = new Set(["package.json", "unicode.json", "LICENSE"]);

export interface PackageOptions {
  /** The repository root (holds package.json, package-lock.json, host.json, tsconfig.build.json). */
  rootDir: string;
  /** The folder to (re)create; Pulumi zips it as the deployment package. */
  outDir: string;
  /** Progress lines; silent when left out. */
  log?: (line: string) => void;
}

export interface PackageReport {
  outDir: string;
  files: number;
  bytes: number;
  fontFiles: number;
  seconds: number;
}

const rootManifestSchema = z.looseObject({
  name: z.string().min(1),
  version: z.string().min(1),
  dependencies: z.record(z.string(), z.string()),
  overrides: z.record(z.string(), z.unknown()).optional(),
});

type RootManifest = z.infer<typeof rootManifestSchema>;

/** Thrown when a build step fails; the message names the step and carries its output. */
export class PackageBuildError extends Error {
  override name = "PackageBuildError";
}

function run(step: string, command: string, args: string[], cwd: string): void {
  // Windows starts npm through npm.cmd, which needs a shell; elsewhere no shell is involved.
  const shell = process.platform === "win32" && command === "npm";
  const result = spawnSync(command, args, { cwd, encoding: "utf8", shell });
  if (result.status !== 0) {
    throw new PackageBuildError(
      `${step} failed (${command} ${args.join(" ")}, exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`,
    );
  }
}

/** The production package.json: the host's `main` glob and runtime dependencies, nothing for development. */
export function productionManifest(root: RootManifest): Record<string, unknown> {
  return {
    name: `${root.name}-functions`,
    version: root.version,
    private: true,
    main: functionsHostMain,
    dependencies: root.dependencies,
    ...(root.overrides ? { overrides: root.overrides } : {}),
  };
}

/**
 * Deletes every file of the installed @fontsource packages except the fonts the renderer may load
 * (`allFontFiles()`) and the metadata the loader reads: the CJK packages alone are ~130 MB.
 * Returns how many font files were kept.
 */
function pruneFonts(rootDir: string, outDir: string): number {
  const rootModules = path.join(rootDir, "node_modules");
  const keep = new Set(allFontFiles().map((file) => path.relative(rootModules, file)));
  const fontScope = path.join(outDir, "node_modules", "@fontsource");
  let kept = 0;
  for (const packageName of fs.readdirSync(fontScope)) {
    const packageDir = path.join(fontScope, packageName);
    for (const relative of listPackageFiles(packageDir)) {
      const fromModules = path.join("@fontsource", packageName, relative);
      if (keep.has(fromModules)) kept += 1;
      else if (!fontPackageMetadata.has(relative)) fs.rmSync(path.join(packageDir, relative));
    }
  }
  const missing = [...keep].filter(
    (file) => !fs.existsSync(path.join(outDir, "node_modules", file)),
  );
  if (missing.length > 0) {
    throw new PackageBuildError(
      `font files missing from the package's node_modules: ${missing.slice(0, 5).join(", ")}`,
    );
  }
  return kept;
}

/** Files in node_modules that Node never loads at run time: source maps, type declarations, docs. */
const unusedFilePattern = /\.(map|d\.ts|d\.mts|d\.cts|md|markdown)$/i;

/**
 * Builds for other JavaScript runtimes, selected only by the `browser` / `react-native` export
 * conditions, which Node never sets (the Azure SDK ships four copies of each package).
 */
const unusedBuildDirectory = /^(?:@[^/]+\/)?[^/@][^/]*\/dist\/(?:browser|react-native)\//;

/** Deletes what the Functions host never loads from node_modules; returns the bytes removed. */
function pruneUnusedFiles(outDir: string): number {
  const modules = path.join(outDir, "node_modules");
  let removed = 0;
  for (const relative of listPackageFiles(modules)) {
    if (!unusedFilePattern.test(relative) && !unusedBuildDirectory.test(relative)) continue;
    const file = path.join(modules, relative);
    removed += fs.statSync(file).size;
    fs.rmSync(file);
  }
  return removed;
}

/**
 * npm resolves the production dependency tree from the repository's lockfile (same versions as
 * development) for the target platform. Install scripts stay off: every native binary we need
 * ships as an npm platform package.
 */
function installProductionDependencies(outDir: string): void {
  run(
    "npm install (production, linux-x64-glibc)",
    "npm",
    [
      "install",
      "--omit=dev",
      "--omit=peer",
      `--os=${targetPlatform.os}`,
      `--cpu=${targetPlatform.cpu}`,
      `--libc=${targetPlatform.libc}`,
      "--ignore-scripts",
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
    ],
    outDir,
  );
  const missing = requiredNativePackages.filter(
    (name) => !fs.existsSync(path.join(outDir, "node_modules", name, "package.json")),
  );
  if (missing.length > 0) {
    const npmVersion = spawnSync("npm", ["--version"], {
      encoding: "utf8",
      shell: process.platform === "win32",
    }).stdout.trim();
    throw new PackageBuildError(
      `npm ${npmVersion} did not install ${missing.join(", ")} for linux-x64-glibc; use an npm that supports --os, --cpu and --libc (npm 11 does)`,
    );
  }
}

export function buildPackage({ rootDir, outDir, log = () => {} }: PackageOptions): PackageReport {
  const started = performance.now();
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });

  log(`compiling TypeScript into ${path.join(outDir, "dist")}`);
  run(
    "tsc",
    process.execPath,
    [
      require.resolve("typescript/bin/tsc"),
      "-p",
      path.join(rootDir, "tsconfig.build.json"),
      "--outDir",
      path.join(outDir, "dist"),
      // Type declarations are for library users of the npm package; the host never reads them.
      "--declaration",
      "false",
    ],
    rootDir,
  );

  const manifestFile = path.join(rootDir, "package.json");
  const root = parseJsonDocument(
    fs.readFileSync(manifestFile, "utf8"),
    rootManifestSchema,
    manifestFile,
  );
  fs.copyFileSync(path.join(rootDir, "host.json"), path.join(outDir, "host.json"));
  fs.writeFileSync(
    path.join(outDir, "package.json"),
    `${JSON.stringify(productionManifest(root), null, 2)}\n`,
  );
  fs.copyFileSync(path.join(rootDir, "package-lock.json"), path.join(outDir, "package-lock.json"));

  log("installing production dependencies for linux-x64-glibc");
  installProductionDependencies(outDir);

  const fontFiles = pruneFonts(rootDir, outDir);
  const unusedBytes = pruneUnusedFiles(outDir);
  log(
    `removed ${(unusedBytes / 1e6).toFixed(1)} MB of maps, declarations, docs and browser builds`,
  );
  const files = listPackageFiles(outDir);
  const bytes = files.reduce((sum, file) => sum + fs.statSync(path.join(outDir, file)).size, 0);
  const report = {
    outDir,
    files: files.length,
    bytes,
    fontFiles,
    seconds: (performance.now() - started) / 1000,
  };
  log(
    `package ready: ${report.files} files, ${(bytes / 1e6).toFixed(1)} MB unzipped, ${fontFiles} font files, ${report.seconds.toFixed(1)} s`,
  );
  return report;
}

if (require.main === module) {
  const rootDir = path.resolve(__dirname, "..");
  try {
    buildPackage({ rootDir, outDir: path.join(rootDir, "package"), log: console.log });
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
