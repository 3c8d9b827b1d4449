// fast-check generators of random and hostile card specs for the fuzz tests.
import fc from "fast-check";
import { controlCharacter, formatNames, templateNames } from "../../renderer/spec/schema";

const allControlCharacters = new RegExp(controlCharacter.source, "g");

/** Text from every corner of Unicode we care about, plus controls and very long words. */
export const hostileText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    "",
    " ",
    "\n\n\n",
    "\u0000\u0007\u001b[31m",
    "‮reversed‬",
    "👩‍👩‍👧‍👦".repeat(20),
    "🇯🇵🇰🇷🇨🇳".repeat(10),
    "https://example.com/" + "a".repeat(250),
    "W".repeat(300),
    "你好世界".repeat(60),
    "مرحبا بالعالم ".repeat(20),
    "שלום עולם ".repeat(20),
    "Zalgo: Z̴̡̛̞̝̈́͌a̶̧̛̘̓l̸͔̈́g̴̛̝o̵̙̍",
    "\u200b\u200c\u200d\ufeff",
    "𓀀𓀁𓀂 U+13000",
    "\ud800 lone surrogate",
  ),
);

export const colourish = fc.oneof(
  fc.constantFrom(
    "#fff",
    "#000000",
    "#12345678",
    "rgb(1 2 3)",
    "rgba(1, 2, 3, 0.5)",
    "transparent",
  ),
  fc.string({ maxLength: 12 }),
  fc.integer(),
);

const gradientish = fc.record(
  {
    type: fc.constantFrom("linear", "radial"),
    angle: fc.oneof(fc.double(), fc.integer({ min: -720, max: 720 })),
    stops: fc.array(
      fc.record(
        { color: colourish, position: fc.oneof(fc.double(), fc.constant(0.5)) },
        { requiredKeys: ["color"] },
      ),
      { maxLength: 12 },
    ),
  },
  { requiredKeys: [] },
);

export const sizeish = fc.oneof(
  fc.constantFrom("og", "linkedin", "x", "square", "story", "huge"),
  fc.record({
    width: fc.oneof(fc.integer({ min: -10, max: 100_000 }), fc.double()),
    height: fc.oneof(fc.integer({ min: -10, max: 100_000 }), fc.double()),
  }),
);

export const assetNameish = fc.oneof(
  fc.constantFrom(
    "logo.png",
    "../x",
    "a/../../b",
    "https://169.254.169.254/latest",
    "/etc/passwd",
    "C:\\x",
    "file:///x",
    "a//b",
  ),
  fc.string({ maxLength: 300 }),
);

/** A spec-shaped object with random, often invalid, values and sometimes unknown fields. */
export const hostileSpec = fc.record(
  {
    id: fc.oneof(fc.string({ maxLength: 140 }), fc.integer()),
    template: fc.oneof(fc.constantFrom(...templateNames), fc.string()),
    size: sizeish,
    scale: fc.oneof(fc.double({ min: -5, max: 10 }), fc.constantFrom(1, 2, 3, 3.0001)),
    format: fc.oneof(fc.constantFrom(...formatNames), fc.string()),
    quality: fc.oneof(fc.integer({ min: -5, max: 200 }), fc.double()),
    title: fc.oneof(hostileText, fc.integer(), fc.constant(null)),
    subtitle: hostileText,
    eyebrow: hostileText,
    footer: hostileText,
    author: hostileText,
    theme: fc.oneof(
      fc.record(
        {
          preset: fc.string(),
          background: fc.oneof(colourish, gradientish),
          foreground: colourish,
          accent: colourish,
          font: fc.string(),
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
    ),
    logo: assetNameish,
    background: assetNameish,
    titleMaxLines: fc.integer({ min: -2, max: 10 }),
    direction: fc.oneof(fc.constantFrom("auto", "ltr", "rtl"), fc.string()),
    unexpected: fc.anything(),
    nested: fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" }, fc.constant(1), fc.record({ deeper: tie("node") })),
    })).node,
  },
  { requiredKeys: [] },
);

/** Valid specs with hostile text, small enough to render thousands quickly. */
export const renderableSpec = fc.record({
  id: fc.constant("fuzz"),
  template: fc.constantFrom(...templateNames),
  size: fc.record({
    width: fc.integer({ min: 64, max: 320 }),
    height: fc.integer({ min: 64, max: 320 }),
  }),
  scale: fc.constantFrom(1, 1.5, 2),
  format: fc.constantFrom("png", "jpeg"),
  title: hostileText.map((text) => text.replace(allControlCharacters, "").slice(0, 300) || "x"),
  subtitle: hostileText.map((text) => text.replace(allControlCharacters, "").slice(0, 500)),
  direction: fc.constantFrom("auto", "ltr", "rtl"),
  theme: fc.record({
    preset: fc.constantFrom("midnight", "sunrise", "ocean", "forest", "paper", "mono"),
    background: fc.oneof(
      fc.constantFrom("#123", "transparent", "rgba(10, 20, 30, 0.3)"),
      fc.record({
        type: fc.constant("linear"),
        angle: fc.integer({ min: -360, max: 360 }),
        stops: fc.array(fc.record({ color: fc.constantFrom("#f00", "#0f08", "#00f", "white") }), {
          minLength: 2,
          maxLength: 8,
        }),
      }),
    ),
  }),
});
