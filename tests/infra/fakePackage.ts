// A minimal deployment folder for the infra tests (the real one is built and tested in package.test.ts).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export function makeFakePackage(marker = "v1"): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-fake-package-"));
  fs.writeFileSync(path.join(directory, "host.json"), JSON.stringify({ version: "2.0" }));
  fs.writeFileSync(
    path.join(directory, "package.json"),
    JSON.stringify({ name: "fake", main: "dist/functions/*.js" }),
  );
  fs.mkdirSync(path.join(directory, "dist", "functions"), { recursive: true });
  fs.writeFileSync(path.join(directory, "dist", "functions", "health.js"), `// ${marker}\n`);
  return directory;
}
