// The registry of built-in templates, by name, and what they draw of a spec's text.
import type { TemplateName } from "../spec/schema";
import { boldTemplate } from "./bold";
import { classicTemplate } from "./classic";
import { minimalTemplate } from "./minimal";
import { photoTemplate } from "./photo";
import { splitTemplate } from "./split";
import type { Template } from "./types";

export { drawnText, fontRegistrationText } from "./drawnText";

export const templates: Record<TemplateName, Template> = {
  classic: classicTemplate,
  minimal: minimalTemplate,
  split: splitTemplate,
  photo: photoTemplate,
  bold: boldTemplate,
};

export function getTemplate(name: TemplateName): Template {
  return templates[name];
}
