// Signed card URLs round-trip: what signCardUrl writes, verifyCardUrl reads back as the same validated card, under the current or previous key.
import fc from "fast-check";
import { parseCardSpec } from "../../renderer";
import {
  BadSignatureError,
  cardKey,
  inspectCardUrl,
  keyIdOf,
  signCard,
  signCardUrl,
  type SignableCard,
  verifyCardUrl,
} from "../../signing";
import { baseUrl, currentKey, pathOf, previousKey, quoteVersion } from "./support";

const sign = (card: SignableCard, key = currentKey) => signCardUrl(card, { key, baseUrl });

/** The validated card a URL must render: the card's own validation, without what a URL drops. */
function expectedSpec(card: SignableCard) {
  const spec: Record<string, unknown> = { ...parseCardSpec(card) };
  delete spec.id;
  return JSON.parse(JSON.stringify(spec)) as unknown;
}

const gradient = {
  type: "linear" as const,
  angle: 100,
  stops: [{ color: "#0f172a" }, { color: "#6d28d9", position: 0.8 }],
};

const cards: [string, SignableCard, "query" | "payload"][] = [
  ["a built-in with a title", { title: "Hello, world" }, "query"],
  [
    "a built-in with every text field and odd characters",
    {
      template: "split",
      eyebrow: "R&D / Q3",
      title: "50% off? a+b=c #1 ~ ünïcødé 🎉",
      subtitle: "line one\nline two\ttab",
      footer: "example.com/blog?x=1",
      author: "Ada Lovelace",
      logo: "brand/logo.png",
      format: "webp",
      quality: 70,
      scale: 2,
      size: "square",
      direction: "ltr",
      titleMaxLines: 3,
      theme: { preset: "ocean", accent: "#ff0" },
    },
    "query",
  ],
  ["explicit width and height", { title: "Sized", size: { width: 800, height: 418 } }, "query"],
  ["right-to-left text", { title: "مرحبا بالعالم", direction: "rtl" }, "query"],
  // 300 CJK characters are 2,700 characters percent-encoded, over maxQueryFormLength.
  ["a flat card with long non-ASCII text", { title: "日本語".repeat(100) }, "payload"],
  ["a gradient theme", { title: "Gradient", theme: { background: gradient } }, "payload"],
  [
    "a stored template with text params",
    {
      template: "brand/quote",
      templateVersion: quoteVersion,
      params: { quote: "Simplicity is prerequisite for reliability.", name: "E. W. Dijkstra" },
    },
    "query",
  ],
  [
    "a stored template with a gradient param",
    {
      template: "brand/event",
      templateVersion: quoteVersion,
      params: { title: "Launch", backdrop: gradient },
      format: "jpeg",
    },
    "payload",
  ],
];

describe.each(cards)("%s", (_name, card, form) => {
  test("verifies to the card it was signed from, in the expected form", () => {
    const signed = signCard(card, { key: currentKey, baseUrl });
    expect(signed.form).toBe(form);
    expect(signed.url.startsWith(`${baseUrl}/api/og/v1/${keyIdOf(currentKey)}.`)).toBe(true);
    const verified = verifyCardUrl(pathOf(signed.url), [currentKey]);
    expect(verified.card).toEqual(expectedSpec(card));
    expect(verified.cardKey).toBe(signed.cardKey);
    expect(verified.cardKey).toBe(cardKey(verified.canonical));
    expect(verified.canonicalPath).toBe(pathOf(signed.url));
    expect(verified.keyId).toBe(keyIdOf(currentKey));
  });
});

test("a query-form URL reads as the card: field names as keys, percent-encoded values", () => {
  const url = sign({
    template: "brand/quote",
    templateVersion: quoteVersion,
    params: { quote: "Hi there", name: "Ada" },
  });
  expect(url).toMatch(
    new RegExp(
      `^${baseUrl}/api/og/v1/[\\w-]{8}\\.[\\w-]{22}\\?params\\.name=Ada&params\\.quote=Hi%20there&template=brand%2Fquote&templateVersion=${quoteVersion}$`,
    ),
  );
  expect(inspectCardUrl(pathOf(url)).card).toEqual({
    params: { name: "Ada", quote: "Hi there" },
    template: "brand/quote",
    templateVersion: quoteVersion,
  });
});

test("any text round-trips exactly, whatever characters it holds", () => {
  const text = fc
    .string({ unit: "grapheme", minLength: 1, maxLength: 60 })
    // eslint-disable-next-line no-control-regex -- the card schema refuses control characters
    .filter((value) => !/[\u0000-\u0008\u000B-\u001F\u007F]/.test(value));
  fc.assert(
    fc.property(text, fc.option(text, { nil: undefined }), (title, subtitle) => {
      const card = { title, ...(subtitle === undefined ? {} : { subtitle }) };
      const verified = verifyCardUrl(pathOf(sign(card)), [currentKey]);
      expect(verified.card.title).toBe(title);
      expect(verified.card.subtitle).toBe(subtitle);
    }),
    { numRuns: 150 },
  );
});

describe("rotation: a current and a previous key", () => {
  const card = { title: "Rotated" };

  test("a URL signed with the previous key verifies while that key is configured", () => {
    const url = sign(card, previousKey);
    const verified = verifyCardUrl(pathOf(url), [currentKey, previousKey]);
    expect(verified.keyId).toBe(keyIdOf(previousKey));
    expect(verified.card.title).toBe("Rotated");
    // The same card under the new key: another URL, the same stored image.
    expect(verified.cardKey).toBe(verifyCardUrl(pathOf(sign(card)), [currentKey]).cardKey);
  });

  test("once the previous key is removed, its URLs are refused", () => {
    const url = sign(card, previousKey);
    expect(() => verifyCardUrl(pathOf(url), [currentKey])).toThrow(BadSignatureError);
  });

  test("configured key ids are used as given", () => {
    const url = signCardUrl(card, { key: currentKey, keyId: "2026a", baseUrl });
    expect(url).toContain("/api/og/v1/2026a.");
    const keys = [
      { id: "2026a", secret: currentKey },
      { id: "2025b", secret: previousKey },
    ];
    expect(verifyCardUrl(pathOf(url), keys).keyId).toBe("2026a");
    // Another key under the same id does not verify it.
    expect(() => verifyCardUrl(pathOf(url), [{ id: "2026a", secret: previousKey }])).toThrow(
      BadSignatureError,
    );
  });
});

test("the base URL and route path are not signed: a URL verifies under any route prefix", () => {
  const url = signCardUrl(
    { title: "CDN" },
    { key: currentKey, baseUrl: "https://cdn.example.net/", routePath: "/og" },
  );
  expect(url.startsWith("https://cdn.example.net/og/v1/")).toBe(true);
  const path = url.slice("https://cdn.example.net".length);
  const verified = verifyCardUrl(path, [currentKey]);
  expect(verified.canonicalPath).toBe(path);
  expect(verifyCardUrl(path.replace(/^\/og/, "/api/og"), [currentKey]).card.title).toBe("CDN");
});
