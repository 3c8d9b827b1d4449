// What a validated template is to the rest of cardpress: its document and its content hash.
import type { TemplateDocument } from "./schema";

/** A template that passed parseTemplate: the document (defaults applied, no `$schema`) and its hash. */
export interface ParsedTemplate {
  document: TemplateDocument;
  /** SHA-256 hex of the document's canonical JSON (renderer/template/hash.ts). */
  hash: string;
}
