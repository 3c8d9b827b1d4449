// The template engine's layout: each flexbox property through yoga, lengths scaled by unit, RTL, absolute nodes, `if`, tall overrides, text fitting.
import { getEngine } from "../../../renderer/engine/select";
import { stateOf } from "../../../renderer/render";
import type { CardSpecInput } from "../../../renderer/spec/schema";
import { parseCardSpec } from "../../../renderer/spec/validate";
import { compiledCount } from "../../../renderer/template/compile";
import { walk, type CardNode } from "../../../renderer/template/instance";
import { layoutEngine } from "../../../renderer/template/layout";
import { layOutTemplateCard } from "../../../renderer/template/render";
import { templateHash } from "../../../renderer/template/hash";
import {
  templateDocumentSchema,
  type TemplateDocumentInput,
  type TemplateNodeInput,
} from "../../../renderer/template/schema";
import type { ParsedTemplate } from "../../../renderer/template/types";
import type { Rect } from "../../../renderer/templates/parts";

const engine = getEngine();

export function parsed(input: TemplateDocumentInput): ParsedTemplate {
  const document = templateDocumentSchema.parse(input);
  return { document, hash: templateHash(document) };
}

/** A 1200×630 template whose root is `root`, with text params a and b. */
function simple(root: TemplateNodeInput, extra: Partial<TemplateDocumentInput> = {}) {
  return parsed({
    name: "test/layout",
    params: { a: { type: "text" }, b: { type: "text" } },
    root,
    ...extra,
  });
}

async function layOut(template: ParsedTemplate, card: Partial<CardSpecInput> = {}) {
  const spec = parseCardSpec({ title: "x", template: template.document.name, ...card });
  const laid = await layOutTemplateCard(spec, template, {
    engine,
    ...stateOf(engine),
    assets: new Map(),
  });
  const boxes = new Map<string, Rect>();
  const nodes = new Map<string, CardNode>();
  if (laid.root) {
    for (const node of walk(laid.root)) {
      boxes.set(node.label, node.box);
      nodes.set(node.label, node);
    }
  }
  const box = (id: string): Rect => {
    const found = boxes.get(id);
    if (!found) throw new Error(`no node ${id}; have ${[...boxes.keys()].join(", ")}`);
    return found;
  };
  return { laid, box, boxes, nodes };
}

const block = (id: string, extra: Record<string, unknown> = {}): TemplateNodeInput =>
  ({ type: "shape", shape: "rect", id, fill: "red", ...extra }) as TemplateNodeInput;

describe("stack", () => {
  it("lays a column out with padding and gap, children stretched across (CSS defaults)", async () => {
    const { box } = await layOut(
      simple({
        type: "stack",
        id: "root",
        padding: 40,
        gap: 10,
        children: [block("one", { height: 100 }), block("two", { height: 50 })],
      }),
    );
    expect(box("root")).toEqual({ x: 0, y: 0, width: 1200, height: 630 });
    expect(box("one")).toEqual({ x: 40, y: 40, width: 1120, height: 100 });
    expect(box("two")).toEqual({ x: 40, y: 150, width: 1120, height: 50 });
  });

  it("takes padding as [top, right, bottom, left] and margin on a child", async () => {
    const { box } = await layOut(
      simple({
        type: "stack",
        padding: [10, 20, 30, 40],
        children: [block("one", { height: 100, margin: [5, 6, 7, 8] }), block("two", { grow: 1 })],
      }),
    );
    expect(box("one")).toEqual({ x: 48, y: 15, width: 1200 - 40 - 20 - 8 - 6, height: 100 });
    // grow fills the rest, down to the bottom padding.
    expect(box("two")).toEqual({ x: 40, y: 122, width: 1140, height: 630 - 30 - 122 });
  });

  it.each([
    ["start", [0, 100]],
    ["center", [500, 600]],
    ["end", [1000, 1100]],
    ["space-between", [0, 1100]],
  ] as const)("justify %s places a row's children along the main axis", async (justify, xs) => {
    const { box } = await layOut(
      simple({
        type: "stack",
        direction: "row",
        justify,
        children: [
          block("one", { width: 100, height: 50 }),
          block("two", { width: 100, height: 50 }),
        ],
      }),
    );
    expect([box("one").x, box("two").x]).toEqual(xs);
  });

  it.each([
    ["start", 0, 50],
    ["center", 290, 50],
    ["end", 580, 50],
    ["stretch", 0, 630],
  ] as const)("align %s places a row's children on the cross axis", async (align, y, height) => {
    const { box } = await layOut(
      simple({
        type: "stack",
        direction: "row",
        align,
        children: [block("one", { width: 100, ...(align === "stretch" ? {} : { height: 50 }) })],
      }),
    );
    expect(box("one")).toMatchObject({ y, height });
  });
});

describe("sizes", () => {
  it("takes px and percentages of the parent, with min and max", async () => {
    const { box } = await layOut(
      simple({
        type: "stack",
        direction: "row",
        align: "start",
        children: [
          block("half", { width: "50%", height: "25%" }),
          block("capped", { width: 400, maxWidth: 300, height: 10, minHeight: 40 }),
        ],
      }),
    );
    // 157.5 px, rounded to the device pixel grid.
    expect(box("half")).toMatchObject({ x: 0, width: 600, height: 158 });
    expect(box("capped")).toMatchObject({ x: 600, width: 300, height: 40 });
  });

  it("shrinks children that overflow by default (flex-shrink 1, as CSS), not with shrink 0", async () => {
    const { box } = await layOut(
      simple({
        type: "stack",
        direction: "row",
        children: [block("one", { width: 800 }), block("two", { width: 800, shrink: 0 })],
      }),
    );
    expect(box("two").width).toBe(800);
    expect(box("one").width).toBe(400);
  });

  it("shares free space by grow", async () => {
    const { box } = await layOut(
      simple({
        type: "stack",
        direction: "row",
        children: [
          block("one", { grow: 1 }),
          block("two", { grow: 2 }),
          block("three", { width: 300 }),
        ],
      }),
    );
    expect(box("one").width).toBe(300);
    expect(box("two").width).toBe(600);
  });

  it("scales every length by unit = min(width / W0, height / H0) at another card size", async () => {
    const template = simple({
      type: "stack",
      padding: 40,
      gap: 10,
      children: [block("one", { height: 100 }), block("two", { height: 50, width: 200 })],
    });
    const { box } = await layOut(template, { size: { width: 2400, height: 1260 } });
    expect(box("one")).toEqual({ x: 80, y: 80, width: 2240, height: 200 });
    expect(box("two")).toEqual({ x: 80, y: 300, width: 400, height: 100 });
    // A square card: unit = min(1080 / 1200, 1080 / 630) = 0.9.
    const square = await layOut(template, { size: "square" });
    expect(square.box("one")).toEqual({ x: 36, y: 36, width: 1008, height: 90 });
  });
});

describe("absolute nodes", () => {
  it("are placed by top/right/bottom/left within their parent, outside the flow", async () => {
    const { box } = await layOut(
      simple({
        type: "stack",
        padding: 40,
        children: [
          block("badge", { position: "absolute", top: 20, right: 30, width: 100, height: 60 }),
          block("corner", {
            position: "absolute",
            bottom: -10,
            left: "10%",
            width: 50,
            height: 50,
          }),
          block("flow", { height: 100 }),
        ],
      }),
    );
    expect(box("badge")).toEqual({ x: 1200 - 30 - 100, y: 20, width: 100, height: 60 });
    expect(box("corner")).toEqual({ x: 120, y: 630 + 10 - 50, width: 50, height: 50 });
    // The flow child starts at the padding, as if the absolute ones were not there.
    expect(box("flow")).toMatchObject({ x: 40, y: 40 });
  });
});

describe("if", () => {
  const template = simple({
    type: "stack",
    gap: 10,
    children: [
      block("first", { height: 100, if: "a" }),
      { type: "stack", id: "group", if: "b", children: [block("inner", { height: 10 })] },
      block("last", { height: 100 }),
    ],
  });

  it("leaves a node out (with its children and its gap) unless its param is given", async () => {
    const without = await layOut(template);
    expect([...without.boxes.keys()]).toEqual(["root", "last"]);
    expect(without.box("last").y).toBe(0);
    const empty = await layOut(template, { params: { a: "" } });
    expect(empty.boxes.has("first")).toBe(false);
    const given = await layOut(template, { params: { a: "yes", b: "yes" } });
    expect([...given.boxes.keys()]).toEqual(["root", "first", "group", "inner", "last"]);
    expect(given.box("last").y).toBe(100 + 10 + 10 + 10);
  });

  it("counts a param's default as given", async () => {
    const withDefault = simple(template.document.root, {
      params: { a: { type: "text", default: "on" }, b: { type: "text" } },
    });
    expect((await layOut(withDefault)).boxes.has("first")).toBe(true);
  });
});

describe("tall overrides", () => {
  const template = simple({
    type: "stack",
    direction: "row",
    gap: 20,
    tall: { direction: "column", gap: 40 },
    children: [
      block("one", { width: 100, height: 100, tall: { width: 200 } }),
      block("two", { width: 100, height: 100 }),
      block("wideOnly", { width: 10, height: 10, tall: { hidden: true } }),
    ],
  });

  it("apply when the card is taller than 0.75 × its width", async () => {
    const wide = await layOut(template);
    expect(wide.box("two")).toMatchObject({ x: 120, y: 0 });
    expect(wide.boxes.has("wideOnly")).toBe(true);
    // 1080×1080: unit 0.9; a column, gap 40, the first node 200 wide.
    const tall = await layOut(template, { size: "square" });
    expect(tall.box("one")).toMatchObject({ x: 0, y: 0, width: 180, height: 90 });
    expect(tall.box("two")).toMatchObject({ x: 0, y: 90 + 36 });
    expect(tall.boxes.has("wideOnly")).toBe(false);
  });

  it("are compiled once per template and shape, in a bounded cache", async () => {
    const before = compiledCount();
    await layOut(template);
    await layOut(template, { size: "story" });
    expect(compiledCount()).toBe(before);
    for (let index = 0; index < 80; index++) {
      await layOut(simple(block(`n${index}`), { description: `${index}` }));
    }
    expect(compiledCount()).toBeLessThanOrEqual(64);
  });
});

describe("RTL", () => {
  const template = parsed({
    name: "test/rtl",
    params: { title: { type: "text" } },
    root: {
      type: "stack",
      padding: 40,
      gap: 20,
      align: "start",
      children: [
        {
          type: "stack",
          id: "row",
          direction: "row",
          gap: 10,
          children: [
            block("first", { width: 100, height: 50 }),
            block("second", { width: 100, height: 50 }),
          ],
        },
        block("narrow", { width: 200, height: 20 }),
        { type: "text", id: "title", text: "{{title}}", font: { size: 40 } },
      ],
    },
  });

  it("mirrors rows and start alignment when the direction param's text is RTL", async () => {
    const ltr = await layOut(template, { params: { title: "Hello" } });
    expect(ltr.box("first").x).toBe(40);
    expect(ltr.box("second").x).toBe(150);
    expect(ltr.box("narrow").x).toBe(40);
    expect(ltr.laid.direction).toBe("ltr");
    const rtl = await layOut(template, { params: { title: "שלום עולם" } });
    expect(rtl.laid.direction).toBe("rtl");
    // The row's box hugs its content at the right (align start = the right edge in RTL).
    expect(rtl.box("first").x).toBe(1200 - 40 - 100);
    expect(rtl.box("second").x).toBe(1200 - 40 - 210);
    expect(rtl.box("narrow").x).toBe(1200 - 40 - 200);
    const title = rtl.box("title");
    expect(title.x + title.width).toBeCloseTo(1200 - 40, 5);
  });

  it("follows the card's direction field over the text", async () => {
    const forced = await layOut(template, { params: { title: "Hello" }, direction: "rtl" });
    expect(forced.box("first").x).toBe(1200 - 40 - 100);
    const auto = await layOut(template, { params: { title: "שלום" }, direction: "ltr" });
    expect(auto.box("first").x).toBe(40);
  });

  it("takes the direction from the template's `direction` param, else the first text param", async () => {
    const both = (direction?: string) =>
      parsed({
        name: "test/rtl2",
        params: { a: { type: "text" }, b: { type: "text" } },
        ...(direction && { direction }),
        root: {
          type: "stack",
          direction: "row",
          children: [block("x", { width: 10, height: 10 })],
        },
      });
    const params = { a: "English", b: "עברית" };
    expect((await layOut(both(), { params })).box("x").x).toBe(0);
    expect((await layOut(both("b"), { params })).box("x").x).toBe(1190);
  });
});

describe("text", () => {
  const text = (extra: Record<string, unknown>) =>
    simple({
      type: "stack",
      padding: 40,
      align: "start",
      children: [{ type: "text", id: "text", text: "{{a}}", ...extra } as TemplateNodeInput],
    });

  it("measures its content: one line at its size and line height", async () => {
    const { box, laid, nodes } = await layOut(text({ font: { size: 50 }, lineHeight: 1.2 }), {
      params: { a: "Hello" },
    });
    expect(box("text").height).toBe(60);
    expect(box("text").width).toBeGreaterThan(80);
    expect(box("text").width).toBeLessThan(200);
    const node = nodes.get("text");
    expect(node && laid.texts.get(node)?.fit(box("text"), false).size).toBe(50);
  });

  it("wraps within the box width and fits the largest size that holds maxLines", async () => {
    const long = "The quick brown fox jumps over the lazy dog again and again and again";
    const template = text({ font: { size: [20, 80] }, maxLines: 2, width: 600 });
    const { box, laid, nodes } = await layOut(template, { params: { a: long } });
    const node = nodes.get("text");
    const fitted = node && laid.texts.get(node)?.fit(box("text"), false);
    expect(fitted?.lines).toHaveLength(2);
    expect(fitted?.size).toBeLessThan(80);
    expect(fitted?.size).toBeGreaterThan(20);
    // The second layout closes the box up to the fitted text's two lines.
    expect(box("text").height).toBeCloseTo(2 * (fitted?.size ?? 0) * 1.2, 0);
  });

  it("shrinks to the box layout gave it, and clamps with an ellipsis and a warning below the minimum", async () => {
    const long = "word ".repeat(200);
    const template = text({ font: { size: [30, 60] }, height: 100, width: 500 });
    const spec = { params: { a: long } };
    const { box, laid, nodes } = await layOut(template, spec);
    const node = nodes.get("text");
    const fitted = node && laid.texts.get(node)?.fit(box("text"), true);
    expect(fitted?.size).toBe(30);
    expect(fitted?.lines.at(-1)).toMatch(/…$/);
    expect(fitted?.lines.length).toBe(2);
    expect(laid.scene.warnings.join("\n")).toMatch(/text: too long for the box/);
  });

  it("applies uppercase and fills placeholders", async () => {
    const { laid, nodes } = await layOut(text({ transform: "uppercase", text: "{{a}} & {{b}}!" }), {
      params: { a: "straße", b: "x" },
    });
    const node = nodes.get("text");
    expect(node?.kind === "text" && node.text).toBe("STRASSE & X!");
    expect(laid.root).toBeDefined();
  });
});

describe("memory", () => {
  it("frees every yoga node it creates, card after card (they live in WebAssembly memory)", async () => {
    const yoga = await layoutEngine();
    const probe = yoga.Node.create();
    const nodePrototype = Object.getPrototypeOf(probe) as { free: () => void };
    probe.free();
    const created = jest.spyOn(yoga.Node, "create");
    const freed = jest.spyOn(nodePrototype, "free");
    try {
      const template = simple({
        type: "stack",
        padding: 10,
        children: [
          ...Array.from({ length: 10 }, (_, index) => block(`n${index}`, { height: 5 })),
          { type: "text", text: "{{a}}", font: { size: [10, 40] } },
        ],
      });
      for (let index = 0; index < 20; index++) await layOut(template, { params: { a: "text" } });
      expect(created).toHaveBeenCalledTimes(20 * 12);
      expect(freed).toHaveBeenCalledTimes(20 * 12);
    } finally {
      created.mockRestore();
      freed.mockRestore();
    }
  });
});
