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

/**
 * Every regular file under a folder as `/`-separated relative paths, sorted: the same list on
 * every platform. Links are not followed (the package build prunes with this); what the zip holds
 * is `zippedEntries`.
 */
export function listPackageFiles(directory: string): string[] {
  return fs
    .readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)))
    .map((relative) => relative.split(path.sep).join("/"))
    .sort();
}

/** Thrown when the package holds a link Pulumi cannot zip as a file: the app would miss what it points to. */
export class PackageLinkError extends InfraError {
  override name = "PackageLinkError";
}

/** One member of the zip Pulumi builds from the package folder. */
export interface ZippedEntry {
  /** `/`-separated path inside the zip. */
  path: string;
  /** Absolute path the bytes are read from (through the link for a symlink). */
  source: string;
  /** The link's target as written in the link, for a symlink to a file; undefined for a regular file. */
  linkTarget?: string;
}

/** Pulumi leaves out anything named like its bookkeeping folder (pulumi/pulumi archive.go, `BookkeepingDir`). */
const pulumiBookkeepingName = ".pulumi";

/**
 * What Pulumi puts in the zip of a folder `FileArchive` (pulumi/pulumi
 * sdk/go/common/resource/archive/archive.go, `readPath` and `addNextFileToZIP`): every regular
 * file, and every symlink to a file as a copy of its target's bytes, under its path relative to
 * the folder; no directories, no file modes (the zip headers carry none) and a fixed timestamp;
 * nothing named `.pulumi`. Pulumi silently skips a symlink to a directory and fails on a broken
 * link; both are refused here with the link's name, since the app would miss what it points to.
 * Sorted by path: the same list on every platform.
 */
export function zippedEntries(packageDir: string): ZippedEntry[] {
  const root = fs.realpathSync(packageDir);
  const entries: ZippedEntry[] = [];
  const visit = (directory: string): void => {
    for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
      if (entry.name === pulumiBookkeepingName) continue;
      const absolute = path.join(directory, entry.name);
      const relative = path.relative(root, absolute).split(path.sep).join("/");
      if (entry.isDirectory()) visit(absolute);
      else if (entry.isSymbolicLink()) entries.push(linkedFile(absolute, relative));
      else if (entry.isFile()) entries.push({ path: relative, source: absolute });
    }
  };
  visit(root);
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function linkedFile(absolute: string, relative: string): ZippedEntry {
  const linkTarget = fs.readlinkSync(absolute);
  const target = fs.statSync(absolute, { throwIfNoEntry: false });
  if (!target) {
    throw new PackageLinkError(
      `deployment package link ${relative} points to ${linkTarget}, which does not exist: rebuild the package with \`npm run package\``,
    );
  }
  if (!target.isFile()) {
    throw new PackageLinkError(
      `deployment package link ${relative} points to the directory ${linkTarget}; Pulumi would zip nothing of it and the app would miss it: replace the link with a copy (expected only files and links to files)`,
    );
  }
  return { path: relative, source: absolute, linkTarget };
}

/**
 * SHA-256 over exactly what Pulumi zips (`zippedEntries`): each member's path, whether it is a
 * link and where the link points, and its bytes. Independent of timestamps and of the platform's
 * path separator, so rebuilding unchanged code gives the same hash; any change to the zip (a
 * symlink-only change included) gives a new hash, and so a new blob name.
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
  for (const entry of zippedEntries(packageDir)) {
    hash.update(entry.path);
    hash.update(entry.linkTarget === undefined ? "\0file\0" : `\0link\0${entry.linkTarget}\0`);
    hash.update(fs.readFileSync(entry.source));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/**
 * How many functions the package defines: one compiled file per function under `dist/functions/`
 * (the app's layout and its package.json `main` glob).
 */
export function countFunctionEntryPoints(packageDir: string): number {
  return zippedEntries(packageDir).filter((entry) =>
    /^dist\/functions\/[^/]+\.js$/.test(entry.path),
  ).length;
}

/** The blob name of a package: 32 hex digits of its hash are plenty to tell builds apart. */
export function packageBlobName(packageHash: string): string {
  return `functions-${packageHash.slice(0, 32)}.zip`;
}
