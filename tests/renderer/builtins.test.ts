// The built-ins as template documents: valid, mapped from a card's fields, and drawn like their code-template originals.
import path from "node:path";
import { builtinDocument, builtinTemplate } from "../../renderer/builtins";
import { AssetError } from "../../renderer/errors";
import { renderCard } from "../../renderer/render";
import { templateNames, type CardSpec, type TemplateName } from "../../renderer/spec/schema";
import { parseCardSpec } from "../../renderer/spec/validate";
import {
  baselineDir,
  decodePng,
  diffImages,
  manifestAssets,
  readManifest,
  renderRgba,
} from "../support/builtinsBaseline";
import { builtinTolerance } from "../support/builtinsTolerance";

const manifest = readManifest();
const assets = manifestAssets(manifest);
const { channel, radius, unmatchedShare } = builtinTolerance;

async function unmatchedAgainst(id: string, spec: Record<string, unknown>): Promise<number> {
  const before = await decodePng(path.join(baselineDir, `${id}.png`));
  const after = await renderRgba(spec, assets);
  const limit = Math.ceil(unmatchedShare * before.width * before.height);
  return diffImages(before, after, channel, radius, limit).unmatchedShare;
}

const builtinSpec = (input: Record<string, unknown>) =>
  parseCardSpec(input) as CardSpec & { template: TemplateName };

describe("built-in template documents", () => {
  it.each(templateNames)("%s is a valid template document named after itself", (name) => {
    const parsed = builtinDocument(name);
    expect(parsed.document.name).toBe(name);
    expect(parsed.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("maps a card's fields and theme onto params; the card's own params win", () => {
    const { spec, template } = builtinTemplate(
      builtinSpec({
        template: "bold",
        title: "T",
        author: "Ada",
        footer: "site",
        theme: { preset: "paper", accent: "#000000" },
        params: { muted: "#123456" },
      }),
    );
    expect(template.document.name).toBe("bold");
    expect(spec.params).toMatchObject({
      title: "T",
      byline: "Ada  ·  site",
      background: "#faf7f2",
      accent: "#000000",
      accentText: "#ffffff",
      muted: "#123456",
    });
    expect(spec.params).not.toHaveProperty("footerOnly");
  });

  it("a footer without an author is the muted footer line", () => {
    const { spec } = builtinTemplate(builtinSpec({ title: "T", footer: "site" }));
    expect(spec.params).toMatchObject({ byline: "site", footerOnly: "site" });
  });

  it("titleMaxLines and theme.font pick a variant of the document", () => {
    const plain = builtinTemplate(builtinSpec({ title: "T" })).template;
    const variant = builtinTemplate(
      builtinSpec({ title: "T", titleMaxLines: 1, theme: { font: "Noto Serif" } }),
    ).template;
    expect(variant.hash).not.toBe(plain.hash);
    const title = JSON.stringify(variant.document.root);
    expect(title).toContain('"maxLines":1');
    expect(title).toContain('"family":"Noto Serif"');
    expect(title).not.toContain('"family":"Inter"');
  });

  it("names the card's field when an image it does not draw is missing", async () => {
    const error = await renderCard(
      parseCardSpec({ template: "classic", title: "T", background: "missing.jpg" }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AssetError);
    expect((error as AssetError).field).toBe("background");
  });

  it("names the card's field when an image it draws is missing", async () => {
    const error = await renderCard(
      parseCardSpec({ template: "photo", title: "T", background: "missing.jpg" }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AssetError);
    expect((error as AssetError).field).toBe("background");
    expect((error as AssetError).message).toBe(
      'background "missing.jpg": was not provided (no asset with that name)',
    );
  });
});

describe("built-ins against their code-template originals (tests/fixtures/builtins-before)", () => {
  it.each(manifest.cards.map((card) => [card.id, card] as const))(
    "%s matches within the tolerance",
    async (id, card) => {
      expect(await unmatchedAgainst(id, card.spec)).toBeLessThanOrEqual(unmatchedShare);
    },
  );

  it.each([
    ["another title", { title: "A different headline on the same card" }],
    ["another theme", { theme: { preset: "forest" } }],
    ["no subtitle", { subtitle: undefined }],
  ])("fails a visibly different card: %s", async (_name, change) => {
    const card = manifest.cards.find((entry) => entry.id === "classic-en");
    if (!card) throw new Error("classic-en is not in the manifest");
    const unmatched = await unmatchedAgainst("classic-en", { ...card.spec, ...change });
    expect(unmatched).toBeGreaterThan(unmatchedShare);
  });
});
