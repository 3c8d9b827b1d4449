// The package's blob name follows exactly what Pulumi zips: unchanged content keeps the name, any change (links included) gives a new one.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  PackageLinkError,
  PackageMissingError,
  countFunctionEntryPoints,
  hashPackageFolder,
  packageBlobName,
  zippedEntries,
} from "../../infra/deploymentPackage";
import { makeFakePackage } from "./fakePackage";

test("the same files give the same hash, wherever they are and whenever they were written", () => {
  const first = makeFakePackage("same");
  const second = makeFakePackage("same");
  fs.utimesSync(path.join(second, "host.json"), new Date(2001, 1, 1), new Date(2001, 1, 1));
  expect(hashPackageFolder(first)).toBe(hashPackageFolder(second));
  expect(hashPackageFolder(first)).toMatch(/^[0-9a-f]{64}$/);
});

test("a changed byte, a new file or a renamed file changes the hash", () => {
  const base = makeFakePackage("base");
  const original = hashPackageFolder(base);

  const changed = makeFakePackage("bass");
  expect(hashPackageFolder(changed)).not.toBe(original);

  const added = makeFakePackage("base");
  fs.writeFileSync(path.join(added, "extra.js"), "");
  expect(hashPackageFolder(added)).not.toBe(original);

  const renamed = makeFakePackage("base");
  fs.renameSync(
    path.join(renamed, "dist", "functions", "health.js"),
    path.join(renamed, "dist", "functions", "health2.js"),
  );
  expect(hashPackageFolder(renamed)).not.toBe(original);
});

test("blob names carry the hash", () => {
  const hash = "ab".repeat(32);
  expect(packageBlobName(hash)).toBe(`functions-${"ab".repeat(16)}.zip`);
});

test("a folder that is not a package fails with the command to run", () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-empty-"));
  expect(() => hashPackageFolder(empty)).toThrow(PackageMissingError);
  expect(() => hashPackageFolder(empty)).toThrow(/npm run package/);
  expect(() => hashPackageFolder(path.join(empty, "missing"))).toThrow(/npm run package/);
});

describe("symlinks, which Pulumi zips as copies of the file they point to", () => {
  /** A package with `dist/lib/a.js` and `dist/lib/b.js`, differing in content. */
  function packageWithTwoModules(marker = "v1"): string {
    const directory = makeFakePackage(marker);
    fs.mkdirSync(path.join(directory, "dist", "lib"));
    fs.writeFileSync(path.join(directory, "dist", "lib", "a.js"), "module.exports = 'a';\n");
    fs.writeFileSync(path.join(directory, "dist", "lib", "b.js"), "module.exports = 'b';\n");
    return directory;
  }

  test("adding only a symlink gives a new hash and blob name (the zip gained a member)", () => {
    const without = packageWithTwoModules();
    const withLink = packageWithTwoModules();
    fs.symlinkSync("lib/a.js", path.join(withLink, "dist", "current.js"));
    expect(hashPackageFolder(withLink)).not.toBe(hashPackageFolder(without));
    expect(packageBlobName(hashPackageFolder(withLink))).not.toBe(
      packageBlobName(hashPackageFolder(without)),
    );
  });

  test("retargeting only a symlink gives a new hash (the member's bytes changed)", () => {
    const toA = packageWithTwoModules();
    const toB = packageWithTwoModules();
    fs.symlinkSync("lib/a.js", path.join(toA, "dist", "current.js"));
    fs.symlinkSync("lib/b.js", path.join(toB, "dist", "current.js"));
    expect(hashPackageFolder(toB)).not.toBe(hashPackageFolder(toA));
  });

  test("a changed file reached only through a symlink changes the hash", () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-link-target-"));
    fs.writeFileSync(path.join(outside, "shared.js"), "one\n");
    const linked = packageWithTwoModules();
    fs.symlinkSync(path.join(outside, "shared.js"), path.join(linked, "dist", "shared.js"));
    const before = hashPackageFolder(linked);
    fs.writeFileSync(path.join(outside, "shared.js"), "two\n");
    expect(hashPackageFolder(linked)).not.toBe(before);
  });

  test("the same links to the same bytes give the same hash wherever the package is", () => {
    const first = packageWithTwoModules();
    const second = packageWithTwoModules();
    for (const directory of [first, second]) {
      fs.symlinkSync("lib/a.js", path.join(directory, "dist", "current.js"));
    }
    expect(hashPackageFolder(first)).toBe(hashPackageFolder(second));
  });

  test("the zip's members are files and links to files, by relative path, without .pulumi", () => {
    const directory = packageWithTwoModules();
    fs.symlinkSync("lib/a.js", path.join(directory, "dist", "current.js"));
    fs.mkdirSync(path.join(directory, ".pulumi"));
    fs.writeFileSync(path.join(directory, ".pulumi", "state.json"), "{}");
    expect(zippedEntries(directory).map((entry) => [entry.path, entry.linkTarget])).toEqual([
      ["dist/current.js", "lib/a.js"],
      ["dist/functions/health.js", undefined],
      ["dist/lib/a.js", undefined],
      ["dist/lib/b.js", undefined],
      ["host.json", undefined],
      ["package.json", undefined],
    ]);
  });

  test("a package folder reached through a symlink hashes like the folder itself", () => {
    const real = packageWithTwoModules();
    const alias = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-alias-")), "pkg");
    fs.symlinkSync(real, alias);
    expect(hashPackageFolder(alias)).toBe(hashPackageFolder(real));
    expect(countFunctionEntryPoints(alias)).toBe(1);
  });

  test("a symlink to a directory is refused: Pulumi would leave its content out of the zip", () => {
    const directory = packageWithTwoModules();
    fs.symlinkSync("lib", path.join(directory, "dist", "linked-lib"));
    expect(() => hashPackageFolder(directory)).toThrow(PackageLinkError);
    expect(() => hashPackageFolder(directory)).toThrow(
      /dist\/linked-lib points to the directory lib/,
    );
  });

  test("a broken symlink is refused with its name", () => {
    const directory = packageWithTwoModules();
    fs.symlinkSync("lib/missing.js", path.join(directory, "dist", "gone.js"));
    expect(() => hashPackageFolder(directory)).toThrow(PackageLinkError);
    expect(() => hashPackageFolder(directory)).toThrow(/dist\/gone\.js points to lib\/missing\.js/);
  });
});
