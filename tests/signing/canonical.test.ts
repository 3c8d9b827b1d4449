// The same card always gives the same URL and card key: key order, defaults, number spellings and aliases do not change them.
import { createHash } from "node:crypto";
import { SpecValidationError } from "../../renderer";
import { canonicalCard, cardKey, signCard, type SignableCard } from "../../signing";
import { baseUrl, currentKey, quoteVersion } from "./support";

const signed = (card: unknown) => signCard(card as SignableCard, { key: currentKey, baseUrl });

/** Every card in a group must give one URL and one card key. */
const sameCards: [string, unknown[]][] = [
  [
    "key order",
    [
      { title: "Order", subtitle: "of keys", theme: { accent: "#f00", preset: "ocean" } },
      { theme: { preset: "ocean", accent: "#f00" }, subtitle: "of keys", title: "Order" },
    ],
  ],
  [
    "defaults and fields that change nothing",
    [
      { title: "Defaults" },
      {
        $schema: "./schema/card.schema.json",
        id: "post-42",
        template: "classic",
        size: "og",
        scale: 1,
        format: "png",
        quality: 50,
        direction: "auto",
        templateVersion: quoteVersion,
        theme: {},
        params: {},
        title: "Defaults",
      },
    ],
  ],
  [
    "number spellings (JSON text) and a format's default quality",
    [
      JSON.parse('{"title":"Numbers","scale":2,"format":"jpeg","size":{"width":800,"height":600}}'),
      JSON.parse(
        '{"title":"Numbers","scale":2.0,"format":"jpg","quality":88,"size":{"height":6e2,"width":800.00}}',
      ),
      JSON.parse(
        '{"title":"Numbers","scale":20e-1,"format":"jpeg","size":{"width":8.0e2,"height":600}}',
      ),
    ],
  ],
  [
    "a gradient's default angle",
    [
      {
        title: "Angle",
        theme: { background: { type: "linear", stops: [{ color: "#000" }, { color: "#fff" }] } },
      },
      {
        title: "Angle",
        theme: {
          background: {
            type: "linear",
            angle: 135.0,
            stops: [{ color: "#000" }, { color: "#fff" }],
          },
        },
      },
    ],
  ],
  [
    "a stored template's params in any order",
    [
      { template: "brand/quote", templateVersion: quoteVersion, params: { a: "1", b: "2" } },
      { params: { b: "2", a: "1" }, templateVersion: quoteVersion, template: "brand/quote" },
    ],
  ],
];

test.each(sameCards)("%s: one URL, one card key", (_name, cards) => {
  const results = cards.map((card) => signed(card));
  const first = results[0]!;
  for (const result of results) {
    expect(result.url).toBe(first.url);
    expect(result.cardKey).toBe(first.cardKey);
  }
});

test("cards that draw differently get different URLs and keys", () => {
  const variants = [
    { title: "A" },
    { title: "a" },
    { title: "A " },
    { title: "A", scale: 2 },
    { title: "A", format: "webp" },
    { title: "A", format: "jpeg", quality: 87 },
    { title: "A", size: "square" },
    { title: "A", template: "bold" },
    { title: "A", direction: "rtl" },
    { title: "A", theme: { preset: "ocean" } },
    { template: "brand/quote", templateVersion: quoteVersion },
    { template: "brand/quote", templateVersion: quoteVersion.replace(/^3/, "4") },
  ];
  const keys = variants.map((card) => signed(card).cardKey);
  const urls = variants.map((card) => signed(card).url);
  expect(new Set(keys).size).toBe(variants.length);
  expect(new Set(urls).size).toBe(variants.length);
});

test("a template of its own keeps an explicit size: without one, the template's size applies", () => {
  const card = { template: "brand/quote", templateVersion: quoteVersion };
  expect(canonicalCard(card).json).not.toContain("size");
  expect(canonicalCard({ ...card, size: "og" }).json).toContain('"size":"og"');
  expect(signed({ ...card, size: "og" }).cardKey).not.toBe(signed(card).cardKey);
  // A built-in's default size is og whether written or not.
  expect(signed({ title: "x", size: "og" }).cardKey).toBe(signed({ title: "x" }).cardKey);
});

test("the canonical JSON drops defaults, sorts keys, and cardKey is its SHA-256", () => {
  const canonical = canonicalCard({
    title: "Hi",
    format: "jpg",
    quality: 90,
    template: "classic",
    theme: { preset: "midnight", accent: "#fff" },
  });
  expect(canonical.json).toBe(
    '{"format":"jpeg","quality":90,"theme":{"accent":"#fff","preset":"midnight"},"title":"Hi"}',
  );
  expect(cardKey(canonical.json)).toBe(createHash("sha256").update(canonical.json).digest("hex"));
  expect(cardKey(canonical.json)).toMatch(/^[0-9a-f]{64}$/);
});

test("signing the same card twice gives the same bytes", () => {
  const card = {
    title: "Twice",
    theme: { background: { type: "linear", stops: [{ color: "#000" }, { color: "#fff" }] } },
  };
  expect(signed(card).url).toBe(signed(structuredClone(card)).url);
});

describe("cards a URL cannot carry are refused when signing, naming the field", () => {
  test.each([
    [
      "a stored template without its version",
      { template: "brand/quote", params: { quote: "Hi" } },
      "templateVersion",
    ],
    [
      "a local template file",
      { template: "./templates/quote.json", templateVersion: quoteVersion },
      "template",
    ],
    ["an invalid card", { title: "" }, "title"],
  ])("%s", (_name, card, path) => {
    let caught: unknown;
    try {
      signed(card);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SpecValidationError);
    expect((caught as SpecValidationError).issues.map((issue) => issue.path)).toEqual([path]);
  });
});
