// README and docs/ point only at files and sections that exist: relative links, anchors, and named source files.
import fs from "node:fs";
import path from "node:path";
import { anchorsOf, docFiles, relativeLinks, repoRoot } from "./support/markdown";

const skippedFolders = new Set(["node_modules", "dist", "out", "package", "coverage", ".git"]);

/** Every file of the repository by its base name (the docs often name a module without its folder). */
function filesByBaseName(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!skippedFolders.has(entry.name) && !entry.name.startsWith(".")) {
          walk(path.join(dir, entry.name));
        }
      } else names.add(entry.name);
    }
  };
  walk(repoRoot);
  return names;
}

/**
 * Names in the docs that look like files of this repository but are not meant to be: what a user
 * creates or gets (outputs, their own files), and words that merely look like file names.
 */
const notRepositoryFiles = new Set([
  "Node.js", // the runtime
  "Next.js", // the framework (README, "og:image for your site")
  "next.config.js", // a Next.js site's own config file
]);

test("every relative link and image in README.md and docs/ points at an existing file and heading", () => {
  const broken: string[] = [];
  for (const file of docFiles()) {
    for (const { target, where } of relativeLinks(file)) {
      const [filePart = "", anchor] = target.split("#");
      const resolved = filePart ? path.join(path.dirname(file), decodeURI(filePart)) : file;
      if (!fs.existsSync(path.join(repoRoot, resolved))) {
        broken.push(`${where}: ${target} (no file ${resolved})`);
      } else if (anchor && resolved.endsWith(".md") && !anchorsOf(resolved).has(anchor)) {
        broken.push(`${where}: ${target} (no heading #${anchor} in ${resolved})`);
      }
    }
  }
  expect(broken).toEqual([]);
});

// Sources, scripts and documents only: JSON, YAML and image names in the docs are mostly a
// user's own files or blob names (images the docs show are links, checked above).
test("every source, script or document the docs name exists in the repository", () => {
  const baseNames = filesByBaseName();
  const missing: string[] = [];
  for (const file of docFiles()) {
    const lines = fs.readFileSync(path.join(repoRoot, file), "utf8").split("\n");
    let inFence = false;
    lines.forEach((line, index) => {
      if (/^\s*```/.test(line)) inFence = !inFence;
      if (inFence) return; // code blocks show commands and storage layouts, checked elsewhere
      const mentions = line.matchAll(
        /(?<![\w/.<>{}$…-])((?:\.{0,2}\/)?(?:[\w.-]+\/)*[\w-]+(?:\.[\w-]+)*\.(?:md|ts|js|mjs|cjs|sh))(?![\w/-])/g,
      );
      for (const [, name = ""] of mentions) {
        if (notRepositoryFiles.has(name)) continue;
        const exists = name.includes("/")
          ? fs.existsSync(path.join(repoRoot, name)) ||
            fs.existsSync(path.join(repoRoot, path.dirname(file), name))
          : baseNames.has(name);
        if (!exists) missing.push(`${file}:${index + 1}: ${name}`);
      }
    });
  }
  expect(missing).toEqual([]);
});

test("the deployment package's size is quoted as one figure everywhere (unzipped and zipped)", () => {
  const quotes = { unzipped: new Map<string, string[]>(), zipped: new Map<string, string[]>() };
  for (const file of docFiles()) {
    const text = fs.readFileSync(path.join(repoRoot, file), "utf8").replace(/\s+/g, " ");
    for (const [, size = "", kind] of text.matchAll(/([\d.]+) MB (unzipped|zip(?:ped)?)\b/g)) {
      const sizes = kind === "unzipped" ? quotes.unzipped : quotes.zipped;
      sizes.set(size, [...(sizes.get(size) ?? []), file]);
    }
  }
  const described = (sizes: Map<string, string[]>) =>
    [...sizes].map(([size, files]) => `${size} MB in ${files.join(", ")}`);
  expect(described(quotes.unzipped)).toHaveLength(1);
  expect(described(quotes.zipped).length <= 1 ? [] : described(quotes.zipped)).toEqual([]);
});
