// docs/templates.md's reference is generated from the template schema and must be current; the examples it shows exist.
import fs from "node:fs";
import path from "node:path";
import { currentTemplateDocs, templateDocsFile } from "../../scripts/write-template-docs";
import { repoRoot } from "./support/markdown";

describe("docs/templates.md", () => {
  it("has the reference generated from the zod schema (run `npx tsx scripts/write-template-docs.ts` after changing it)", () => {
    expect(fs.readFileSync(templateDocsFile, "utf8")).toBe(currentTemplateDocs());
  });

  it("shows a picture of every item of every example batch", () => {
    const docs = fs.readFileSync(templateDocsFile, "utf8");
    const examplesDir = path.join(repoRoot, "examples", "templates");
    const batches = fs.readdirSync(examplesDir).filter((name) => name.endsWith(".batch.json"));
    expect(batches.length).toBeGreaterThanOrEqual(3);
    const missing = batches.flatMap((batch) =>
      (
        JSON.parse(fs.readFileSync(path.join(examplesDir, batch), "utf8")) as {
          items: { id: string }[];
        }
      ).items
        .map(({ id }) => `images/templates/${id}.png`)
        .filter(
          (image) =>
            !docs.includes(`(${image})`) || !fs.existsSync(path.join(repoRoot, "docs", image)),
        ),
    );
    expect(missing).toEqual([]);
  });

  it("points every example template at the published JSON Schema", () => {
    const examplesDir = path.join(repoRoot, "examples", "templates");
    for (const name of fs.readdirSync(examplesDir).filter((file) => /^[a-z]+\.json$/.test(file))) {
      const document = JSON.parse(fs.readFileSync(path.join(examplesDir, name), "utf8")) as {
        $schema?: string;
      };
      expect([name, document.$schema]).toEqual([name, "../../schema/template.schema.json"]);
    }
  });
});
