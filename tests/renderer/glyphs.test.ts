// No missing glyphs: characters from every script and font subset draw as themselves in every text field.
import { createHash } from "node:crypto";
import { createNapiEngine } from "../../renderer/engine/napi";
import { drawCard } from "../../renderer/render";
import { parseCardSpec } from "../../renderer/spec/validate";
import { renderPixels, scan, type Rgb } from "../support/pixels";

// One character each from different fontsource subset files and scripts. A missing glyph draws the
// same box whatever the character, so two characters rendering identically means one is missing.
const characters = [
  ..."AЖő€",
  ..."你龘の語",
  ..."한국",
  // Arabic letters that Noto Sans SC's index claims but its files lack.
  ..."ابلعرية",
  ..."ש",
  "🎉",
  "🇯🇵",
];
// A title that makes the renderer register many more subsets after the field under test.
const busyTitle = "تجربة 한국어 中文 日本語 עברית 😀";

const fields = ["eyebrow", "title", "subtitle", "footer", "author"] as const;

describe.each(fields)("the %s field", (field) => {
  it("draws each test character differently (no tofu boxes)", async () => {
    const digests = new Map<string, string>();
    for (const character of characters) {
      const spec = { template: "classic" as const, title: busyTitle, [field]: character };
      const pixels = await renderPixels(spec);
      expect(pixels.card.warnings).toEqual([]);
      const digest = createHash("sha1").update(pixels.data).digest("hex");
      const twin = [...digests].find(([, other]) => other === digest)?.[0];
      expect({ character, sameAs: twin }).toEqual({ character, sameAs: undefined });
      digests.set(character, digest);
    }
  });
});

describe("scripts no shipped font draws", () => {
  it("are reported as warnings rather than drawn as silent boxes", async () => {
    // Thai: Noto Sans SC's unicode ranges do not make a font for it appear.
    const pixels = await renderPixels({ title: "สวัสดี Hello" });
    expect(pixels.card.warnings).toEqual([expect.stringContaining("no shipped font has ส")]);
  });
});

describe("emoji on a card of their own (a new engine: no font loaded before)", () => {
  it.each(["Great job 👍", "👋 👎 👌 👏 📈", "👍🏽", "👨‍👩‍👧 🇫🇷 1️⃣ ❤️"])(
    "%s draws in colour without a missing-glyph warning",
    async (title) => {
      const drawn = await drawCard(
        parseCardSpec({
          title,
          theme: {
            background: "#ffffff",
            foreground: "#000000",
            accent: "#000000",
            muted: "#000000",
          },
        }),
        new Map(),
        createNapiEngine(),
      );
      expect(drawn.warnings).toEqual([]);
      const rgba = new Uint8Array(drawn.pixels);
      let colourful = 0;
      for (let offset = 0; offset < rgba.length; offset += 4) {
        const channels = [rgba[offset] ?? 0, rgba[offset + 1] ?? 0, rgba[offset + 2] ?? 0];
        if (Math.max(...channels) - Math.min(...channels) > 80) colourful++;
      }
      expect(colourful).toBeGreaterThan(500);
    },
  );
});

describe("emoji presentation sequences whose base the primary font maps (©️ ®️ ™️ 1️⃣)", () => {
  const magentaOnWhite = {
    background: "#ffffff",
    foreground: "#ff00ff",
    accent: "#ff00ff",
    muted: "#ff00ff",
  };
  // Magenta over white keeps red and blue near 255 in every blend: only an emoji glyph lowers them.
  const isEmojiInk = ([red, , blue]: Rgb) => red < 200 || blue < 200;
  const isTextInk = ([red, green, blue]: Rgb) => red > 200 && blue > 200 && green < 100;

  it.each(["Inter", "Noto Serif"] as const)(
    "draw in colour inside a line of %s text, beside the text they follow",
    async (font) => {
      const pixels = await renderPixels({
        title: "Copyright ©️",
        subtitle: "Marks ®️ ™️",
        template: "classic",
        theme: { ...magentaOnWhite, font },
      });
      expect(pixels.card.warnings).toEqual([]);
      const whole = { x: 0, y: 0, width: pixels.width, height: pixels.height };
      const emoji = scan(pixels, whole, isEmojiInk);
      const text = scan(pixels, whole, isTextInk);
      expect(emoji.count).toBeGreaterThan(500);
      // Left-to-right: the symbol comes after (right of) the word before it.
      expect(emoji.maxX).toBeGreaterThan(text.minX);
    },
  );

  it("take their place in right-to-left order in an Arabic line", async () => {
    const pixels = await renderPixels({
      title: "حقوق ©️",
      template: "classic",
      theme: magentaOnWhite,
    });
    expect(pixels.card.warnings).toEqual([]);
    const whole = { x: 0, y: 0, width: pixels.width, height: pixels.height };
    const emoji = scan(pixels, whole, isEmojiInk);
    const text = scan(pixels, whole, isTextInk);
    expect(emoji.count).toBeGreaterThan(500);
    // The word comes first, at the right; the symbol after it, to its left.
    expect(emoji.maxX).toBeLessThan(text.minX);
  });

  it("stay inside a left-to-right island of an Arabic line, in the island's order", async () => {
    const pixels = await renderPixels({
      title: "نص Copyright ©️ A",
      template: "classic",
      theme: magentaOnWhite,
    });
    const whole = { x: 0, y: 0, width: pixels.width, height: pixels.height };
    const emoji = scan(pixels, whole, isEmojiInk);
    const text = scan(pixels, whole, isTextInk);
    expect(emoji.count).toBeGreaterThan(500);
    // "Copyright ©️ A" reads left to right, left of the Arabic word: the long word is left of the
    // symbol and "A نص" right of it (drawn right to left as a whole, "A" would be at its left).
    expect(emoji.minX - text.minX).toBeGreaterThan(text.maxX - emoji.maxX);
  });
});
