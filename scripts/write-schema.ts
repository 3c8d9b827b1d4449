// Writes schema/card.schema.json from the zod schema (a test checks the committed file is current).
import fs from "node:fs";
import path from "node:path";
import { cardJsonSchemaText } from "../renderer/spec/jsonSchema";

const file = path.join(__dirname, "..", "schema", "card.schema.json");
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, cardJsonSchemaText());
console.log(`wrote ${path.relative(process.cwd(), file)}`);
