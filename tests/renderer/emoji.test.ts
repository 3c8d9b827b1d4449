// Every fully-qualified RGI emoji the shipped emoji font contains draws in colour, alone on a fresh card.
import fs from "node:fs";
import path from "node:path";
import { createNapiEngine } from "../../renderer/engine/napi";
import type { CanvasEngine } from "../../renderer/engine/types";
import { fontPackageDirectory } from "../../renderer/fonts/loader";
import { openFont } from "../../renderer/fonts/fontCmap";
import { primaryFontNames, primaryFonts, type PrimaryFontName } from "../../renderer/fonts/catalog";
import { rangesCover } from "../../renderer/fonts/codePointRanges";
import { indexFamily, subsetCodePoints } from "../../renderer/fonts/families";
import { drawCard, type DrawnCard } from "../../renderer/render";
import { parseCardSpec } from "../../renderer/spec/validate";

interface EmojibaseEmoji {
  emoji: string;
  /** Absent for the 26 regional indicator letters, which are not emoji on their own. */
  group?: number;
  skins?: { emoji: string }[];
}

/** emojibase's group number for components (skin tones, hair): not emoji on their own. */
const componentGroup = 2;

/**
 * The fully-qualified RGI emoji: emojibase-data's `emoji` field is the fully-qualified form, and
 * `skins` lists each skin-tone variant (also fully-qualified).
 */
function rgiEmoji(): string[] {
  const data = JSON.parse(
    fs.readFileSync(require.resolve("emojibase-data/en/data.json"), "utf8"),
  ) as EmojibaseEmoji[];
  return data
    .filter((entry) => entry.group !== undefined && entry.group !== componentGroup)
    .flatMap((entry) => [entry.emoji, ...(entry.skins ?? []).map((skin) => skin.emoji)]);
}

/**
 * Whether the shipped emoji font has a glyph of its own for the sequence: its shaping (GSUB) turns
 * it into exactly one glyph that is not .notdef, as fontkit lays it out.
 */
function inEmojiFont(list: readonly string[]): string[] {
  const file = path.join(
    fontPackageDirectory("@fontsource/noto-color-emoji"),
    "files",
    "noto-color-emoji-emoji-400-normal.woff2",
  );
  const font = openFont(fs.readFileSync(file), file);
  // Only the list leaves this function: the parsed font (hundreds of MB of glyph caches once laid
  // out) must not stay reachable, or garbage collection slows every later draw several-fold.
  return list.filter((emoji) => {
    const glyphs = font.layout(emoji).glyphs;
    return glyphs.length === 1 && glyphs[0]?.id !== 0;
  });
}

/**
 * Whether a card drew anything a white background and magenta text cannot produce. Magenta over
 * white keeps red and blue at 255 in every blend, so only a colour glyph brings either below it
 * (a missing glyph's box and text glyphs draw in magenta).
 */
function drawsColour(drawn: DrawnCard): boolean {
  // Copied first: indexing the engine's array from inside Jest's sandbox costs ~20 ms a card,
  // a copy made here ~0.6 ms (measured); libvips' stats took ~40 ms.
  const rgba = new Uint8Array(drawn.pixels);
  for (let offset = 0; offset < rgba.length; offset += 4) {
    if ((rgba[offset] ?? 255) < 240 || (rgba[offset + 2] ?? 255) < 240) return true;
  }
  return false;
}

/** Whether one of the primary font's subsets maps a code point. */
function primaryMaps(font: PrimaryFontName): (codePoint: number) => boolean {
  const index = indexFamily(primaryFonts[font]);
  const subsets = index.subsets.map((subset) => subsetCodePoints(index, subset));
  return (codePoint) => subsets.some((ranges) => rangesCover(ranges, codePoint));
}

const drawnCodePoints = (emoji: string) =>
  [...emoji]
    .map((character) => character.codePointAt(0) ?? 0)
    .filter((codePoint) => codePoint !== 0x200d && codePoint !== 0xfe0f);

/**
 * An engine with a fresh font loader (render.ts keeps one per engine object). Skia's font registry
 * is process-wide, so a file registered under the same name before is not registered again (the
 * 5.8 MB emoji font takes ~100 ms each time); text draws only from the families the new loader
 * names in its font strings, so earlier registrations cannot help it.
 */
const napi = createNapiEngine();
const registrations = new Set<string>();
function freshEngine(): CanvasEngine {
  return {
    ...napi,
    registerFont(file, family) {
      if (registrations.has(`${family}\n${file}`)) return;
      registrations.add(`${family}\n${file}`);
      napi.registerFont(file, family);
    },
  };
}

const magentaOnWhite = {
  background: "#ffffff",
  foreground: "#ff00ff",
  accent: "#ff00ff",
  muted: "#ff00ff",
};

describe("RGI emoji", () => {
  const list = rgiEmoji();
  const contained = inEmojiFont(list);

  it("the list and the font are what this test expects", () => {
    // emojibase-data 17 lists Emoji 17.0; a smaller count means the data file changed shape.
    expect(list.length).toBeGreaterThan(3900);
    expect(contained.length).toBeGreaterThan(3800);
    console.log(
      `${list.length} fully-qualified RGI emoji; the emoji font contains ${contained.length}`,
    );
  });

  /**
   * The emoji a card in `font` may draw differently from a card whose primary font maps none of
   * its code points: all of them for Inter, the default; for other primaries only those with a
   * code point the primary maps (the others never reach it, they fall through to the emoji font).
   */
  const affectedBy = (font: PrimaryFontName) => {
    const maps = primaryMaps(font);
    return font === "Inter"
      ? contained
      : contained.filter((emoji) => drawnCodePoints(emoji).some(maps));
  };

  it.each(primaryFontNames)(
    "each draws in colour as the only character of a fresh %s card",
    async (font) => {
      const tested = affectedBy(font);
      const failures: string[] = [];
      for (const emoji of tested) {
        // A new engine has a new font loader: no font registered by an earlier emoji can help.
        const drawn = await drawCard(
          parseCardSpec({
            title: emoji,
            template: "minimal",
            size: { width: 240, height: 126 },
            theme: { ...magentaOnWhite, font },
          }),
          new Map(),
          freshEngine(),
        );
        if (drawn.warnings.length || !drawsColour(drawn)) failures.push(emoji);
      }
      console.log(`${font}: ${tested.length - failures.length} of ${tested.length} in colour`);
      // Text-default characters with VS16 (©️ ®️ ™️) included: the primary font maps their
      // base, so they are drawn as runs of their own with the emoji font first.
      expect(failures).toEqual([]);
    },
  );
});
