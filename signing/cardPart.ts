// A card's part of the URL: a canonical query string for flat cards, else a base64url payload (JSON, deflated when shorter); and back, bounded.
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { CardUrlLimitError, MalformedCardUrlError } from "./errors";
import { urlLimits } from "./limits";

/** `?…` (query form) or `/j.…` / `/z.…` (payload form): what follows `<key id>.<signature>`. */
export type CardPart = { form: "query"; query: string } | { form: "payload"; payload: string };

export const cardPartText = (part: CardPart): string =>
  part.form === "query" ? `?${part.query}` : `/${part.payload}`;

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Query keys whose values are numbers; every other value is a string. A card with a number
 * anywhere else (or a string here) takes the payload form, so a field added later still round-trips.
 */
export const numericQueryKeys: ReadonlySet<string> = new Set([
  "scale",
  "quality",
  "titleMaxLines",
  "size.width",
  "size.height",
]);

/** A query key: a card field, or `<field>.<member>` one level down (`theme.accent`, `params.quote`). */
const queryKeyPattern = /^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)?$/;

/** RFC 3986 percent-encoding: every byte but the unreserved `A–Z a–z 0–9 - . _ ~`, as `%XX` (upper case). */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The card's scalar leaves as [dotted key, value], or undefined when it is not flat enough for a query. */
function queryLeaves(fields: JsonObject): [string, string][] | undefined {
  const leaves: [string, string][] = [];
  const add = (key: string, value: unknown): boolean => {
    if (typeof value === "string" && !numericQueryKeys.has(key)) leaves.push([key, value]);
    else if (typeof value === "number" && numericQueryKeys.has(key))
      leaves.push([key, String(value)]);
    else return false;
    return true;
  };
  for (const [name, value] of Object.entries(fields)) {
    if (isObject(value)) {
      for (const [member, inner] of Object.entries(value)) {
        if (!add(`${name}.${member}`, inner)) return undefined;
      }
    } else if (!add(name, value)) return undefined;
  }
  return leaves;
}

/** `key=value` pairs sorted by key, percent-encoded, joined by `&`. */
function canonicalQuery(leaves: [string, string][]): string {
  return [...leaves]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${percentEncode(key)}=${percentEncode(value)}`)
    .join("&");
}

/** `j.` + base64url(JSON), or `z.` + base64url(raw deflate of it) when that is shorter. */
function payloadOf(json: string): string {
  const bytes = Buffer.from(json, "utf8");
  const plain = `j.${bytes.toString("base64url")}`;
  const deflated = `z.${deflateRawSync(bytes, { level: 9 }).toString("base64url")}`;
  return deflated.length < plain.length ? deflated : plain;
}

/**
 * The canonical card part: the query form when every value is a string or a known number at most
 * one level down (readable in any log), unless its query is longer than urlLimits.maxQueryFormLength;
 * else the payload form.
 */
export function encodeCardPart(fields: JsonObject, json: string): CardPart {
  const leaves = queryLeaves(fields);
  if (leaves) {
    const query = canonicalQuery(leaves);
    if (query.length <= urlLimits.maxQueryFormLength) return { form: "query", query };
  }
  return { form: "payload", payload: payloadOf(json) };
}

const numberPattern = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const shown = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}…` : text);

function decodeComponent(text: string, what: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    throw new MalformedCardUrlError(
      "query",
      `${what} ${shown(text)} is not valid percent-encoded UTF-8`,
    );
  }
}

/** Sets `key` (dotted) in the card, refusing duplicates and a field given both whole and by member. */
function setLeaf(card: JsonObject, key: string, value: string | number): void {
  const [name, member] = key.split(".") as [string, string | undefined];
  const existing = Object.hasOwn(card, name) ? card[name] : undefined;
  if (member === undefined) {
    if (existing !== undefined) {
      throw new MalformedCardUrlError("query", `"${name}" is given more than once`);
    }
    card[name] = value;
    return;
  }
  if (existing !== undefined && !isObject(existing)) {
    throw new MalformedCardUrlError("query", `"${name}" is given both as a value and as "${key}"`);
  }
  const inner: JsonObject = existing ?? {};
  if (Object.hasOwn(inner, member)) {
    throw new MalformedCardUrlError("query", `"${key}" is given more than once`);
  }
  inner[member] = value;
  card[name] = inner;
}

/** The card a query string carries (untrusted: bounded, every key and value checked). */
export function decodeQuery(query: string): JsonObject {
  const pairs = query === "" ? [] : query.split("&", urlLimits.maxQueryParams + 1);
  if (pairs.length > urlLimits.maxQueryParams) {
    throw new CardUrlLimitError(
      "queryParams",
      urlLimits.maxQueryParams,
      `a card URL carries at most ${urlLimits.maxQueryParams} query parameters, received more`,
    );
  }
  const card: JsonObject = {};
  for (const pair of pairs) {
    const equals = pair.indexOf("=");
    if (equals < 0) {
      throw new MalformedCardUrlError("query", `expected key=value, received ${shown(pair)}`);
    }
    const key = decodeComponent(pair.slice(0, equals), "the key");
    if (!queryKeyPattern.test(key)) {
      throw new MalformedCardUrlError(
        "query",
        `expected a card field such as "title" or "params.quote" as a key, received ${shown(key)}`,
      );
    }
    const text = decodeComponent(pair.slice(equals + 1), `the value of "${key}"`);
    if (numericQueryKeys.has(key) && !numberPattern.test(text)) {
      throw new MalformedCardUrlError(
        "query",
        `expected a number for "${key}", received ${shown(text)}`,
      );
    }
    setLeaf(card, key, numericQueryKeys.has(key) ? Number(text) : text);
  }
  return card;
}

const base64urlPattern = /^[A-Za-z0-9_-]*$/;
const utf8 = new TextDecoder("utf-8", { fatal: true });

function inflateBounded(bytes: Buffer): Buffer {
  try {
    return inflateRawSync(bytes, { maxOutputLength: urlLimits.maxCardJsonBytes });
  } catch (error) {
    if ((error as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE") {
      throw new CardUrlLimitError(
        "cardBytes",
        urlLimits.maxCardJsonBytes,
        `the payload inflates to more than the ${urlLimits.maxCardJsonBytes.toLocaleString("en-US")} bytes a card may have`,
      );
    }
    throw new MalformedCardUrlError(
      "payload",
      `"z." payload is not raw deflate data (${(error as Error).message})`,
    );
  }
}

/** The card a payload segment (`j.…` or `z.…`) carries (untrusted: bounded before and after inflating). */
export function decodePayload(segment: string): unknown {
  const encoding = segment.slice(0, 2);
  const data = segment.slice(2);
  if (encoding !== "j." && encoding !== "z.") {
    throw new MalformedCardUrlError(
      "payload",
      `expected "j." (JSON) or "z." (deflated JSON) before the payload, received ${shown(segment.slice(0, 2))}`,
    );
  }
  if (!base64urlPattern.test(data) || data.length % 4 === 1 || data.length === 0) {
    throw new MalformedCardUrlError(
      "payload",
      `expected base64url (A–Z a–z 0–9 - _, no padding), received ${shown(data)}`,
    );
  }
  const bytes = Buffer.from(data, "base64url");
  const json = encoding === "z." ? inflateBounded(bytes) : bytes;
  if (json.length > urlLimits.maxCardJsonBytes) {
    throw new CardUrlLimitError(
      "cardBytes",
      urlLimits.maxCardJsonBytes,
      `the payload is ${json.length.toLocaleString("en-US")} bytes, over the ${urlLimits.maxCardJsonBytes.toLocaleString("en-US")} a card may have`,
    );
  }
  let text: string;
  try {
    text = utf8.decode(json);
  } catch {
    throw new MalformedCardUrlError("payload", "the payload is not UTF-8 text");
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new MalformedCardUrlError(
      "payload",
      `the payload is not JSON (${(error as Error).message})`,
    );
  }
}
