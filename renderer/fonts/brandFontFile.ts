// Checks a brand font file before anything registers it: size, format by magic, container bounds, and fontkit's reading of its tables.
import type * as Fontkit from "fontkit";
import { FontFileError } from "../errors";
import { limits } from "../limits";
import { rangesOfCodePoints, type CodePointRanges } from "./codePointRanges";
import { openFont } from "./fontCmap";

export type FontFormat = "ttf" | "otf" | "woff" | "woff2";

/** Each font format's media type (what an upload declares and a stored font is served as). */
export const fontContentTypes: Readonly<Record<FontFormat, string>> = {
  ttf: "font/ttf",
  otf: "font/otf",
  woff: "font/woff",
  woff2: "font/woff2",
};

/** What the renderer needs to know of a checked font file. */
export interface FontFacts {
  format: FontFormat;
  /** The family name inside the file (only for messages: templates name families themselves). */
  familyName: string;
  numGlyphs: number;
  /** Code points the cmap maps to a glyph other than .notdef. */
  codePoints: CodePointRanges;
  /** OS/2 usWeightClass, clamped to 100–900 (400 when the table is absent). */
  weightClass: number;
  /** The `wght` axis of a variable font. */
  weightAxis?: { min: number; max: number; default: number };
}

/**
 * A WOFF or WOFF2 file decodes to at most this many bytes (its header's totalSfntSize): a small
 * file must not claim a decoded font of gigabytes. WOFF2 shrinks fonts to about half, Brotli
 * sometimes to a third: four times the encoded limit leaves room for every real font.
 */
export const maxDecodedFontBytes = 4 * limits.template.maxFontBytes;

/** Tables without which no engine can draw text with the font. */
const requiredTables = ["cmap", "head", "hhea", "hmtx", "maxp"] as const;
/** Colour glyph tables: their glyphs may have no outline and still draw. */
const colourTables = ["COLR", "CBDT", "sbix", "SVG "];
/** Characters that must have an outline when a font maps them: letters, digits, punctuation, symbols. */
const visible = /^[\p{L}\p{N}\p{P}\p{S}]$/u;
/**
 * Outlines are decoded for at most this many mapped glyphs (in code point order) so that checking a
 * 20 MB CJK font stays bounded; ids past numGlyphs are checked for every code point.
 */
const maxOutlineChecks = 2048;

const megabytes = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
const hex = (codePoint: number) => `U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}`;

/** The format from the file's first four bytes (never from its name). */
function fontFormatOf(bytes: Uint8Array): FontFormat | "collection" | undefined {
  if (bytes.length < 4) return undefined;
  const tag = Buffer.from(bytes.buffer, bytes.byteOffset, 4).toString("latin1");
  if (tag === "\0\x01\0\0" || tag === "true") return "ttf";
  if (tag === "OTTO") return "otf";
  if (tag === "wOFF") return "woff";
  if (tag === "wOF2") return "woff2";
  if (tag === "ttcf") return "collection";
  return undefined;
}

/** Reads big-endian integers, failing as "truncated" past the end rather than reading garbage. */
class Reader {
  constructor(
    private readonly bytes: Buffer,
    private readonly fail: (reason: string) => never,
  ) {}
  private need(offset: number, size: number, what: string): void {
    if (offset + size > this.bytes.length) {
      this.fail(
        `truncated: ${what} needs bytes up to ${offset + size}, the file has ${this.bytes.length}`,
      );
    }
  }
  u8(offset: number, what: string): number {
    this.need(offset, 1, what);
    return this.bytes.readUInt8(offset);
  }
  u16(offset: number, what: string): number {
    this.need(offset, 2, what);
    return this.bytes.readUInt16BE(offset);
  }
  u32(offset: number, what: string): number {
    this.need(offset, 4, what);
    return this.bytes.readUInt32BE(offset);
  }
  tag(offset: number): string {
    return this.bytes.subarray(offset, offset + 4).toString("latin1");
  }
  /** A table at offset..offset+length must lie inside the file. */
  within(offset: number, length: number, what: string): void {
    this.need(offset, length, what);
  }
}

/** WOFF2 table tags 10 and 11: glyf and loca, whose transform version 0 means "transformed". */
const [woff2Glyf, woff2Loca] = [10, 11];

/**
 * The bytes a WOFF2's tables decode to, summed from its table directory: what fontkit allocates
 * for the Brotli stream (it trusts these lengths, not the header's totalSfntSize).
 */
function woff2TablesLength(read: Reader): number {
  const count = read.u16(12, "the WOFF2 header");
  let offset = 48;
  const base128 = (): number => {
    let value = 0;
    for (let index = 0; index < 5; index += 1) {
      const byte = read.u8(offset, "the WOFF2 table directory");
      offset += 1;
      value = value * 128 + (byte & 0x7f);
      if (!(byte & 0x80)) return value;
    }
    return Number.MAX_SAFE_INTEGER;
  };
  let total = 0;
  for (let index = 0; index < count; index += 1) {
    const flags = read.u8(offset, "the WOFF2 table directory");
    offset += 1;
    const known = flags & 0x3f;
    if (known === 0x3f) offset += 4;
    const version = flags >> 6;
    const glyfOrLoca = known === woff2Glyf || known === woff2Loca;
    const transformed = glyfOrLoca ? version === 0 : version !== 0;
    const length = base128();
    total += transformed ? base128() : length;
  }
  return total;
}

/** The table directory of an SFNT or WOFF lies inside the file, and so does every table. */
function checkContainer(bytes: Buffer, format: FontFormat, fail: (reason: string) => never): void {
  const read = new Reader(bytes, fail);
  if (format === "woff2") {
    const length = read.u32(8, "the WOFF2 header");
    if (length !== bytes.length) {
      fail(
        `truncated or padded: its WOFF2 header says ${length} bytes, the file has ${bytes.length}`,
      );
    }
    const decoded = Math.max(read.u32(16, "the WOFF2 header"), woff2TablesLength(read));
    if (decoded > maxDecodedFontBytes) {
      fail(`decodes to ${megabytes(decoded)}; expected at most ${megabytes(maxDecodedFontBytes)}`);
    }
    return;
  }
  const woff = format === "woff";
  if (woff) {
    const length = read.u32(8, "the WOFF header");
    if (length !== bytes.length) {
      fail(
        `truncated or padded: its WOFF header says ${length} bytes, the file has ${bytes.length}`,
      );
    }
    const decoded = read.u32(16, "the WOFF header");
    if (decoded > maxDecodedFontBytes) {
      fail(`decodes to ${megabytes(decoded)}; expected at most ${megabytes(maxDecodedFontBytes)}`);
    }
  }
  const count = read.u16(woff ? 12 : 4, "the table directory");
  if (count === 0 || count > 256) fail(`its table directory lists ${count} tables`);
  const [first, size] = woff ? [44, 20] : [12, 16];
  for (let index = 0; index < count; index += 1) {
    const entry = first + index * size;
    read.within(entry, size, "the table directory");
    const tag = read.tag(entry);
    const offset = read.u32(entry + (woff ? 4 : 8), "the table directory");
    const length = read.u32(entry + (woff ? 8 : 12), "the table directory");
    read.within(offset, length, `table '${tag.trim()}'`);
  }
}

/** fontkit decodes tables lazily and returns undefined for one it cannot decode. */
function table(font: Fontkit.Font, tag: string): unknown {
  return (font as unknown as Record<string, unknown>)[tag];
}

function hasTable(font: Fontkit.Font, tag: string): boolean {
  const directory = (font as unknown as { directory?: { tables?: Record<string, unknown> } })
    .directory;
  return Boolean(directory?.tables?.[tag]);
}

/** Every mapped glyph exists; visible characters' glyphs have outlines (unless colour glyphs). */
function mappedCodePoints(font: Fontkit.Font, fail: (reason: string) => never): number[] {
  const { numGlyphs } = font;
  if (!Number.isInteger(numGlyphs) || numGlyphs < 1)
    fail(`its maxp table gives ${numGlyphs} glyphs`);
  const outlinesOnly = !colourTables.some((tag) => hasTable(font, tag));
  const mapped: number[] = [];
  let outlineChecks = 0;
  const checked = new Set<number>();
  for (const codePoint of [...font.characterSet].sort((a, b) => a - b)) {
    const glyph = font.glyphForCodePoint(codePoint);
    if (glyph.id >= numGlyphs) {
      fail(
        `its cmap maps ${hex(codePoint)} to glyph ${glyph.id}, but the font has ${numGlyphs} glyphs`,
      );
    }
    if (glyph.id === 0) continue;
    mapped.push(codePoint);
    const character = String.fromCodePoint(codePoint);
    if (!outlinesOnly || !visible.test(character) || checked.has(glyph.id)) continue;
    if (outlineChecks >= maxOutlineChecks) continue;
    outlineChecks += 1;
    checked.add(glyph.id);
    if (glyph.path.commands.length === 0) {
      fail(
        `its cmap maps ${hex(codePoint)} "${character}" to glyph ${glyph.id}, which has no outline (the font claims a glyph it lacks)`,
      );
    }
  }
  if (!mapped.length) fail("its cmap maps no character to a glyph");
  return mapped;
}

function weightAxisOf(font: Fontkit.Font): FontFacts["weightAxis"] {
  const axis = font.variationAxes.wght;
  if (!axis) return undefined;
  return { min: axis.min, max: axis.max, default: axis.default };
}

/** The font's own tables, read with fontkit; any failure to read them is the file's fault. */
function readFacts(bytes: Buffer, format: FontFormat, fail: (reason: string) => never): FontFacts {
  const font = (() => {
    try {
      return openFont(bytes);
    } catch (error) {
      return fail(`fontkit cannot read it: ${(error as Error).message.replace(/^font is /, "")}`);
    }
  })();
  try {
    const missing = requiredTables.filter((tag) => !hasTable(font, tag) || !table(font, tag));
    if (missing.length) fail(`its ${missing.join(", ")} table(s) are missing or unreadable`);
    const outlines = hasTable(font, "glyf") || hasTable(font, "CFF ") || hasTable(font, "CFF2");
    if (!outlines && !colourTables.some((tag) => hasTable(font, tag))) {
      fail("it has no glyph outlines (no glyf, CFF or CFF2 table)");
    }
    const { unitsPerEm } = font;
    if (!(unitsPerEm >= 16 && unitsPerEm <= 16384)) {
      fail(`its head.unitsPerEm is ${unitsPerEm}; expected 16–16384`);
    }
    const codePoints = rangesOfCodePoints(mappedCodePoints(font, fail));
    const os2 = table(font, "OS/2") as { usWeightClass?: number } | undefined;
    const weightClass = Math.min(900, Math.max(100, os2?.usWeightClass || 400));
    const weightAxis = weightAxisOf(font);
    return {
      format,
      familyName: font.familyName || "(unnamed)",
      numGlyphs: font.numGlyphs,
      codePoints,
      weightClass,
      ...(weightAxis ? { weightAxis } : {}),
    };
  } catch (error) {
    if (error instanceof FontFileError) throw error;
    return fail(`its tables cannot be read: ${(error as Error).message}`);
  }
}

/**
 * Checks a font file and reads what drawing needs. `label` names it in errors (`fonts[0].src
 * "fonts/Brand.woff2"`). Throws FontFileError with the reason: empty, too large, not a font (by
 * its first bytes, whatever its name), a collection, truncated, or tables that contradict
 * themselves (cmap entries past numGlyphs, visible characters without outlines).
 */
export function checkFontFile(bytes: Uint8Array, label: string): FontFacts {
  const fail = (reason: string): never => {
    throw new FontFileError(`${label}: ${reason}`);
  };
  if (bytes.length === 0) fail("is empty");
  if (bytes.length > limits.template.maxFontBytes) {
    fail(
      `is ${bytes.length} bytes (${megabytes(bytes.length)}); expected at most ${limits.template.maxFontBytes} (limits.template.maxFontBytes)`,
    );
  }
  const format = fontFormatOf(bytes);
  if (format === "collection")
    return fail("is a font collection (TTC); expected a single TTF, OTF, WOFF or WOFF2 font");
  if (!format) {
    const start = Buffer.from(bytes.subarray(0, 4)).toString("hex");
    return fail(
      `is not a font: it starts with 0x${start}, not the signature of a TTF, OTF, WOFF or WOFF2 file`,
    );
  }
  if (bytes.length < 12) fail(`truncated: ${bytes.length} bytes`);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkContainer(buffer, format, fail);
  return readFacts(buffer, format, fail);
}
