// Widths shared between cards (renderer/templates/parts.ts): a text laid out after others in other weights, sizes and directions gets the boxes a fresh engine gives it.
import { createNapiEngine } from "../../../renderer/engine/napi";
import type { CanvasEngine } from "../../../renderer/engine/types";
import { stateOf } from "../../../renderer/render";
import { parseCardSpec } from "../../../renderer/spec/validate";
import { templateHash } from "../../../renderer/template/hash";
import { walk } from "../../../renderer/template/instance";
import { layOutTemplateCard } from "../../../renderer/template/render";
import { templateDocumentSchema } from "../../../renderer/template/schema";
import type { ParsedTemplate } from "../../../renderer/template/types";
import type { Rect } from "../../../renderer/templates/parts";

interface Variant {
  weight: number;
  size: number;
  direction?: "ltr" | "rtl";
}

/** One text node in a 420 px column, as wide as its widest line (the column aligns it at the start). */
function template({ weight, size }: Variant): ParsedTemplate {
  const document = templateDocumentSchema.parse({
    name: "test/measure-cache",
    params: { a: { type: "text" } },
    root: {
      type: "stack",
      align: "start",
      children: [
        {
          type: "stack",
          width: 420,
          align: "start",
          children: [{ type: "text", id: "text", text: "{{a}}", font: { weight, size } }],
        },
      ],
    },
  });
  return { document, hash: templateHash(document) };
}

const text = "Wide words wrap in every weight";

async function textBox(engine: CanvasEngine, variant: Variant): Promise<Rect | undefined> {
  const parsed = template(variant);
  const spec = parseCardSpec({
    template: parsed.document.name,
    params: { a: text },
    direction: variant.direction ?? "ltr",
  });
  const laid = await layOutTemplateCard(spec, parsed, {
    engine,
    ...stateOf(engine),
    assets: new Map(),
  });
  return laid.root ? [...walk(laid.root)].find((node) => node.label === "text")?.box : undefined;
}

describe("widths measured by earlier cards", () => {
  const variants: Variant[] = [
    { weight: 800, size: 60 },
    { weight: 400, size: 60 },
    { weight: 400, size: 59 },
    { weight: 400, size: 59, direction: "rtl" },
  ];

  it("serve only the same font, weight, size and direction", async () => {
    const fresh = await Promise.all(
      variants.map((variant) => textBox(createNapiEngine(), variant)),
    );
    // The variants do measure differently: a key missing one of them would reuse a wrong width.
    expect(new Set(fresh.map((box) => box?.width)).size).toBeGreaterThanOrEqual(3);
    const shared = createNapiEngine();
    const afterOthers = [];
    for (const variant of variants) afterOthers.push(await textBox(shared, variant));
    expect(afterOthers).toEqual(fresh);
  });
});
