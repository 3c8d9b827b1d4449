// Names the deployment package by its content: same files, same blob name (no redeploy); any change, a new URL.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { InfraError } from "./errors";

/** Thrown when the package folder is missing or incomplete: `npm run package` was not run. */
export class PackageMissingError extends InfraError {
  override name = "PackageMissingError";
}

/** Files the Functions host cannot start without; their absence means the folder is not a package. */
const requiredFiles = ["host.json", "package.json"];

/** Every file under a folder as `/`-separated relative paths, sorted: the same list on every platform. */
export function listPackageFiles(directory: string): string[] {
  return fs
    .readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)))
    .map((relative) => relative.split(path.sep).join("/"))
    .sort();
}

/**
 * SHA-256 over every file's relative path and bytes, in sorted order: independent of timestamps
 * and of the platform's path separator, so rebuilding unchanged code gives the same hash.
 */
export function hashPackageFolder(packageDir: string): string {
  for (const file of requiredFiles) {
    if (!fs.existsSync(path.join(packageDir, file))) {
      throw new PackageMissingError(
        `deployment package ${packageDir} has no ${file}: run \`npm run package\` before \`pulumi up\` (or set cardpress:packagePath)`,
      );
    }
  }
  const hash = createHash("sha256");
  for (const file of listPackageFiles(packageDir)) {
    hash.update(file);
    hash.update("\0");
    hash.update(fs.readFileSync(path.join(packageDir, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/**
 * How many functions the package defines: one compiled file per function under `dist/functions/`
 * (the app's layout and its package.json `main` glob).
 */
export function countFunctionEntryPoints(packageDir: string): number {
  return listPackageFiles(packageDir).filter((file) => /^dist\/functions\/[^/]+\.js$/.test(file))
    .length;
}

/** The blob name of a package: 32 hex digits of its hash are plenty to tell builds apart. */
export function packageBlobName(packageHash: string): string {
  return `functions-${packageHash.slice(0, 32)}.zip`;
}
