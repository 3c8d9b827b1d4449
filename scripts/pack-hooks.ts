// npm pack's hooks: prepack builds a clean dist/ and drops `prepare` from the packed package.json; postpack puts it back.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { assertJsonDocument, JsonDocumentError } from "../support";

/*
 * Why `prepare` must not ship: npm 11 lists a `prepare` script of a package installed from a
 * tarball, git or a folder among "install scripts not yet covered by allowScripts" and asks every
 * user to review it, although npm never runs it for such an install. In the clone, `prepare` stays:
 * `npm ci` builds dist/, so `npx cardpress` works there. npm runs prepack, then packs the files as
 * they are on disk (the package.json prepack wrote; `prepare` no longer runs), then postpack.
 */

/** What prepack edits in package.json; the rest is written back as it was, in its order. */
const manifestSchema = z.looseObject({
  scripts: z.record(z.string(), z.string()).optional(),
});

const rootDir = path.resolve(__dirname, "..");
const manifestFile = path.join(rootDir, "package.json");
/** The untouched package.json while a pack is in progress; left behind only if a pack was interrupted. */
const backupFile = path.join(rootDir, ".package.json.packing");

function prepack(): void {
  if (fs.existsSync(backupFile)) {
    throw new Error(
      `${backupFile} exists: an earlier npm pack was interrupted; check package.json against it, delete it and pack again`,
    );
  }
  // A clean build: files whose sources are gone must not ship.
  fs.rmSync(path.join(rootDir, "dist"), { recursive: true, force: true });
  const tsc = spawnSync(
    process.execPath,
    [require.resolve("typescript/bin/tsc"), "-p", path.join(rootDir, "tsconfig.build.json")],
    { cwd: rootDir, stdio: "inherit" },
  );
  if (tsc.status !== 0) throw new Error(`tsc failed (exit ${tsc.status ?? tsc.signal})`);

  const original = fs.readFileSync(manifestFile, "utf8");
  let manifest: unknown;
  try {
    manifest = JSON.parse(original);
  } catch (error) {
    throw new JsonDocumentError(`${manifestFile} is not JSON: ${(error as Error).message}`);
  }
  assertJsonDocument(manifest, manifestSchema, manifestFile);
  fs.writeFileSync(backupFile, original);
  delete manifest.scripts?.prepare;
  fs.writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
}

function postpack(): void {
  if (fs.existsSync(backupFile)) fs.renameSync(backupFile, manifestFile);
}

const hook = process.argv[2];
if (hook === "prepack") prepack();
else if (hook === "postpack") postpack();
else throw new Error(`expected prepack or postpack, received ${hook ?? "nothing"}`);
