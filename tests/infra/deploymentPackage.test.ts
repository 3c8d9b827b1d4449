// The package's blob name follows its content: unchanged files keep the name, any change gives a new one.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  PackageMissingError,
  hashPackageFolder,
  packageBlobName,
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
