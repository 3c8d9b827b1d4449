// A card of a template of its own takes the template's size unless it gives one; its bounds are checked with that size.
import sharp from "sharp";
import { renderCard } from "../../../renderer/render";
import { parseCardSpec } from "../../../renderer/spec/validate";
import { checkCardParams } from "../../../renderer/template/cardParams";
import { parseTemplate } from "../../../renderer/template/validate";

const squareTemplate = parseTemplate({
  name: "test/square",
  size: "square",
  params: { title: { type: "text", maxLength: 40 } },
  root: {
    type: "stack",
    background: "#0f172a",
    padding: 40,
    children: [{ type: "text", text: "{{title}}", color: "#ffffff", font: { size: 48 } }],
  },
});

async function outputSize(card: object): Promise<{ width?: number; height?: number }> {
  const spec = parseCardSpec(card);
  const rendered = await renderCard(spec, new Map(), undefined, squareTemplate);
  const meta = await sharp(rendered.bytes).metadata();
  expect({ width: rendered.width, height: rendered.height }).toEqual({
    width: meta.width,
    height: meta.height,
  });
  return { width: meta.width, height: meta.height };
}

describe("a card's size with a template of its own", () => {
  it("is the template's size when the card gives none", async () => {
    const card = { template: "test/square", params: { title: "Hi" } };
    expect(parseCardSpec(card).size).toBeUndefined();
    expect(await outputSize(card)).toEqual({ width: 1080, height: 1080 });
  });

  it("is the card's own size when it gives one", async () => {
    const card = { template: "test/square", size: "og", params: { title: "Hi" } };
    expect(await outputSize(card)).toEqual({ width: 1200, height: 630 });
  });

  it("stays og for the built-ins", () => {
    expect(parseCardSpec({ template: "classic", title: "Hi" }).size).toBe("og");
  });

  it("checks the output bounds with the template's size", () => {
    const huge = parseTemplate({
      name: "test/huge",
      size: { width: 4096, height: 4096 },
      params: { title: { type: "text", maxLength: 10 } },
      root: { type: "text", text: "{{title}}" },
    });
    const card = parseCardSpec({ template: "test/huge", scale: 2, params: { title: "x" } });
    const issues = checkCardParams(huge, card);
    expect(issues).toEqual([
      expect.objectContaining({ path: "scale", message: expect.stringContaining("8192×8192") }),
    ]);
  });
});
