// Reads which code points a WOFF2 font really maps (its cmap table), to check fontsource's unicode ranges.
import zlib from "node:zlib";

/** Inclusive code point ranges, sorted. */
export type CodePointRanges = [number, number][];

export class FontFileError extends Error {
  override name = "FontFileError";
}

// The WOFF2 specification's table of known tags, indexed by the 6-bit tag index of a table entry.
const knownTags =
  (
    "cmap head hhea hmtx maxp name OS/2 post cvt  fpgm glyf loca prep CFF  VORG EBDT EBLC gasp hdmx " +
    "kern LTSH PCLT VDMX vhea vmtx BASE GDEF GPOS GSUB EBSC JSTF MATH CBDT CBLC COLR CPAL SVG  sbix " +
    "acnt avar bdat bloc bsln cvar fdsc feat fmtx fvar gvar hsty just lcar mort morx opbd prop trak " +
    "Zapf Silf Glat Gloc Feat Sill"
  )
    .match(/.{4}\s?/g)
    ?.map((tag) => tag.slice(0, 4)) ?? [];

function readBase128(bytes: Buffer, start: number): { value: number; next: number } {
  let value = 0;
  for (let index = 0; index < 5; index++) {
    const byte = bytes[start + index];
    if (byte === undefined) break;
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) return { value, next: start + index + 1 };
  }
  throw new FontFileError("malformed UIntBase128 in the WOFF2 table directory");
}

/** The decompressed bytes of the cmap table of a WOFF2 file. */
function cmapTable(woff2: Buffer): Buffer {
  if (woff2.toString("latin1", 0, 4) !== "wOF2") throw new FontFileError("not a WOFF2 file");
  const tableCount = woff2.readUInt16BE(12);
  const compressedSize = woff2.readUInt32BE(20);
  let cursor = 48;
  let offset = 0;
  let cmap: { offset: number; length: number } | undefined;
  for (let table = 0; table < tableCount; table++) {
    const flags = woff2[cursor++] ?? 0;
    let tag = knownTags[flags & 0x3f];
    if ((flags & 0x3f) === 0x3f) {
      tag = woff2.toString("latin1", cursor, cursor + 4);
      cursor += 4;
    }
    const version = flags >> 6;
    const original = readBase128(woff2, cursor);
    cursor = original.next;
    let length = original.value;
    const transformed = tag === "glyf" || tag === "loca" ? version === 0 : version !== 0;
    if (transformed) {
      const transform = readBase128(woff2, cursor);
      cursor = transform.next;
      length = transform.value;
    }
    if (tag === "cmap") cmap = { offset, length };
    offset += length;
  }
  if (!cmap) throw new FontFileError("the font has no cmap table");
  const tables = zlib.brotliDecompressSync(woff2.subarray(cursor, cursor + compressedSize));
  return tables.subarray(cmap.offset, cmap.offset + cmap.length);
}

function format12Ranges(table: Buffer, start: number): CodePointRanges {
  const groups = table.readUInt32BE(start + 12);
  const ranges: CodePointRanges = [];
  for (let group = 0; group < groups; group++) {
    const at = start + 16 + group * 12;
    ranges.push([table.readUInt32BE(at), table.readUInt32BE(at + 4)]);
  }
  return ranges;
}

function format4Ranges(table: Buffer, start: number): CodePointRanges {
  const segments = table.readUInt16BE(start + 6) / 2;
  const ends = start + 14;
  const starts = ends + segments * 2 + 2;
  const ranges: CodePointRanges = [];
  for (let segment = 0; segment < segments; segment++) {
    const end = table.readUInt16BE(ends + segment * 2);
    const first = table.readUInt16BE(starts + segment * 2);
    // The last segment (0xFFFF) only terminates the table.
    if (first === 0xffff) continue;
    ranges.push([first, end]);
  }
  return ranges;
}

/** The code points a WOFF2 font maps to glyphs, from its Unicode cmap subtable. */
export function woff2CodePoints(woff2: Buffer): CodePointRanges {
  const table = cmapTable(woff2);
  const subtables = table.readUInt16BE(2);
  let best: { format: number; offset: number } | undefined;
  for (let index = 0; index < subtables; index++) {
    const record = 4 + index * 8;
    const platform = table.readUInt16BE(record);
    const encoding = table.readUInt16BE(record + 2);
    const offset = table.readUInt32BE(record + 4);
    const isUnicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!isUnicode) continue;
    const format = table.readUInt16BE(offset);
    // Format 12 covers all planes; format 4 only the BMP.
    if (format === 12 || (format === 4 && best?.format !== 12)) best = { format, offset };
  }
  if (!best) throw new FontFileError("the font has no Unicode cmap subtable of format 4 or 12");
  const ranges =
    best.format === 12 ? format12Ranges(table, best.offset) : format4Ranges(table, best.offset);
  return ranges.sort((a, b) => a[0] - b[0]);
}
