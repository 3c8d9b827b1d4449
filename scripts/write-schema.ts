// Writes schema/card.schema.json and schema/template.schema.json from the zod schemas (a test checks the committed files are current).
import fs from "node:fs";
import path from "node:path";
import { cardJsonSchemaText } from "../renderer/spec/jsonSchema";
import { templateJsonSchemaText } from "../renderer/template/jsonSchema";

const folder = path.join(__dirname, "..", "schema");
fs.mkdirSync(folder, { recursive: true });
for (const [name, text] of [
  ["card.schema.json", cardJsonSchemaText()],
  ["template.schema.json", templateJsonSchemaText()],
] as const) {
  const file = path.join(folder, name);
  fs.writeFileSync(file, text);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
