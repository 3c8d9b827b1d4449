// The library entry (index.ts) exports the URL signer without loading any Azure package: a Next.js page or build script can sign.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as library from "../../index";

const rootDir = path.resolve(__dirname, "../..");

test("signCardUrl and verifyCardUrl are exported from the library entry", () => {
  expect(typeof library.signCardUrl).toBe("function");
  expect(typeof library.verifyCardUrl).toBe("function");
  expect(typeof library.cardKey).toBe("function");
  expect(library.BadSignatureError.name).toBe("BadSignatureError");
});

test("importing the library and signing a URL loads no @azure package", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cardpress-library-"));
  try {
    const script = path.join(dir, "sign.ts");
    const record = path.join(dir, "loaded.json");
    fs.writeFileSync(
      script,
      `import { signCardUrl } from ${JSON.stringify(path.join(rootDir, "index.ts"))};
const url = signCardUrl({ title: "No Azure here" }, { key: "k".repeat(32), baseUrl: "https://cards.example.com" });
const packages = new Set<string>();
for (const file of Object.keys(require.cache)) {
  const parts = file.split(/[\\\\/]/);
  const at = parts.lastIndexOf("node_modules");
  if (at < 0) continue;
  const [scope = "", name = ""] = parts.slice(at + 1);
  packages.add(scope.startsWith("@") ? scope + "/" + name : scope);
}
require("node:fs").writeFileSync(${JSON.stringify(record)}, JSON.stringify({ url, packages: [...packages] }));
`,
    );
    // From the repository, where `--import tsx` resolves.
    const result = spawnSync(process.execPath, ["--import", "tsx", script], {
      cwd: rootDir,
      encoding: "utf8",
    });
    expect(result.stderr).toBe("");
    const { url, packages } = JSON.parse(fs.readFileSync(record, "utf8")) as {
      url: string;
      packages: string[];
    };
    expect(url).toMatch(/^https:\/\/cards\.example\.com\/api\/og\/v1\//);
    // The record sees what was loaded: the renderer's packages are there…
    expect(packages).toEqual(expect.arrayContaining(["zod"]));
    // …and no Azure SDK.
    expect(packages.filter((name) => name.startsWith("@azure/"))).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
