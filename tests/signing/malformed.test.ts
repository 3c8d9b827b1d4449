// Untrusted card URLs: bounded (length, parameters, inflated size), and each kind of malformed input has its named error saying what was wrong.
import { createHash } from "node:crypto";
import { SpecValidationError } from "../../renderer";
import {
  BadSignatureError,
  BaseUrlError,
  CardUrlLimitError,
  MalformedCardUrlError,
  SigningKeyError,
  signCardUrl,
  urlLimits,
  verifyCardUrl,
} from "../../signing";
import {
  baseUrl,
  currentKey,
  deflatedPart,
  jsonPart,
  keys,
  quoteVersion,
  signRaw,
} from "./support";

/** The error verifyCardUrl throws for a path and query. */
function failureOf(pathAndQuery: string): Error {
  try {
    verifyCardUrl(pathAndQuery, keys);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`verified: ${pathAndQuery}`);
}

const signature = "A".repeat(22);

describe("the URL's shape is checked before its signature", () => {
  test.each([
    [
      "no version segment",
      "/api/og/test.AAAAAAAAAAAAAAAAAAAAAA?title=x",
      "path",
      /expected …\/v1\/<key id>/,
    ],
    ["not a path", "api/og/v1/test.AAAAAAAAAAAAAAAAAAAAAA?title=x", "path", /expected/],
    [
      "an unknown version",
      `/api/og/v2/test.${signature}?title=x`,
      "version",
      /reads card URLs of version v1, received "v2"/,
    ],
    ["no key id", `/api/og/v1/${signature}?title=x`, "keyId", /expected <key id>\.<signature>/],
    [
      "a key id with other characters",
      `/api/og/v1/te$t.${signature}?title=x`,
      "keyId",
      /letters, digits/,
    ],
    [
      "a short signature",
      "/api/og/v1/test.AAAA?title=x",
      "signature",
      /expected 22 base64url characters/,
    ],
    [
      "a signature in base64 (not url)",
      `/api/og/v1/test.${"A".repeat(20)}+A?title=x`,
      "signature",
      /base64url/,
    ],
    // Same 16 bytes, another spelling: the last character's unused bits set.
    [
      "a non-canonical signature spelling",
      `/api/og/v1/test.${"A".repeat(21)}B?title=x`,
      "signature",
      /base64url/,
    ],
    ["a query-form URL without a query", `/api/og/v1/test.${signature}`, "query", /received none/],
    [
      "a payload URL with a query",
      `/api/og/v1/test.${signature}/j.e30?title=x`,
      "query",
      /carries no query string/,
    ],
    [
      "an empty payload segment",
      `/api/og/v1/test.${signature}/`,
      "payload",
      /expected a payload segment/,
    ],
  ])("%s: MalformedCardUrlError (%s)", (_name, url, part, message) => {
    const error = failureOf(url);
    expect(error).toBeInstanceOf(MalformedCardUrlError);
    expect((error as MalformedCardUrlError).part).toBe(part);
    expect(error.message).toMatch(message);
  });
});

describe("a signed card part that does not decode is malformed, naming why", () => {
  test.each([
    ["a pair without =", "?title", "query", /expected key=value, received "title"/],
    ["bad percent-encoding", "?title=%E0%A4%A", "query", /not valid percent-encoded UTF-8/],
    ["a key nested too deep", "?theme.background.type=linear", "query", /expected a card field/],
    ["a key that is not a field name", "?__proto__.x=1", "query", /expected a card field/],
    ["a repeated key", "?title=a&title=b", "query", /"title" is given more than once/],
    [
      "a field given whole and by member",
      "?theme=x&theme.accent=red",
      "query",
      /given both as a value and as "theme.accent"/,
    ],
    [
      "text where a number goes",
      "?title=x&scale=two",
      "query",
      /expected a number for "scale", received "two"/,
    ],
    [
      "an unknown payload encoding",
      "/x.e30",
      "payload",
      /expected "j\." \(JSON\) or "z\." \(deflated JSON\)/,
    ],
    ["a truncated base64url payload", "/j.e", "payload", /expected base64url/],
    [
      "a payload that is not UTF-8",
      `/j.${Buffer.from([0xff, 0xfe, 0x7b]).toString("base64url")}`,
      "payload",
      /not UTF-8/,
    ],
    ["a payload that is not JSON", jsonPart("{title:"), "payload", /not JSON/],
    [
      "a z. payload that is not deflate",
      `/z.${Buffer.from("plain text, not deflate").toString("base64url")}`,
      "payload",
      /not raw deflate data/,
    ],
  ])("%s", (_name, cardPart, part, message) => {
    const error = failureOf(signRaw(cardPart));
    expect(error).toBeInstanceOf(MalformedCardUrlError);
    expect((error as MalformedCardUrlError).part).toBe(part);
    expect(error.message).toMatch(message);
  });
});

describe("a signed card that decodes but does not validate is a SpecValidationError naming the field", () => {
  test.each([
    ["no title on a built-in", "?subtitle=x", "title"],
    ["an unknown field", "?title=x&colour=red", "colour"],
    [
      "a stored template without its version",
      "?template=brand%2Fquote&params.quote=Hi",
      "templateVersion",
    ],
    [
      "a local template file",
      `?template=.%2Fquote.json&templateVersion=${quoteVersion}`,
      "template",
    ],
    ["a payload that is an array", jsonPart("[1,2]"), ""],
  ])("%s", (_name, cardPart, path) => {
    const error = failureOf(signRaw(cardPart));
    expect(error).toBeInstanceOf(SpecValidationError);
    expect((error as SpecValidationError).issues.map((issue) => issue.path)).toContain(path);
  });
});

describe("bounds", () => {
  test("a path and query over 4,096 characters is refused before anything else is read", () => {
    const long = signRaw(`?title=${"x".repeat(urlLimits.maxUrlLength)}`);
    const error = failureOf(long);
    expect(error).toBeInstanceOf(CardUrlLimitError);
    expect((error as CardUrlLimitError).limit).toBe("urlLength");
    // Even with no valid shape at all.
    expect(failureOf(`/${"x".repeat(urlLimits.maxUrlLength)}`)).toBeInstanceOf(CardUrlLimitError);
    // At the bound, it is read.
    const atBound = signRaw(`?title=${"x".repeat(200)}&footer=`);
    expect(atBound.length).toBeLessThanOrEqual(urlLimits.maxUrlLength);
    expect(verifyCardUrl(atBound, keys).card.title).toBe("x".repeat(200));
  });

  test("signCardUrl refuses a card whose URL would be over 4,096 characters", () => {
    // Hash-chained text: incompressible, so the payload form is too long as well.
    const noise = (seed: number) => createHash("sha512").update(String(seed)).digest("base64url");
    const params = Object.fromEntries(
      Array.from({ length: 12 }, (_, index) => [
        `p${index}`,
        Array.from({ length: 5 }, (_, part) => noise(index * 10 + part)).join(""),
      ]),
    );
    const card = { template: "brand/quote", templateVersion: quoteVersion, params };
    const error = (() => {
      try {
        signCardUrl(card, { key: currentKey, baseUrl });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(CardUrlLimitError);
    expect((error as CardUrlLimitError).limit).toBe("urlLength");
    expect((error as Error).message).toMatch(
      /would be \d+ characters, over the 4096 Azure Functions accepts/,
    );
  });

  test(`more than ${urlLimits.maxQueryParams} query parameters are refused`, () => {
    const pairs = (count: number) =>
      `?title=x&${Array.from({ length: count - 1 }, (_, index) => `params.p${index}=v`).join("&")}`;
    const error = failureOf(signRaw(pairs(urlLimits.maxQueryParams + 1)));
    expect(error).toBeInstanceOf(CardUrlLimitError);
    expect((error as CardUrlLimitError).limit).toBe("queryParams");
    // At the bound the query is read (the card itself then has too many params for a template).
    expect(failureOf(signRaw(pairs(urlLimits.maxQueryParams)))).toBeInstanceOf(SpecValidationError);
  });

  test("the bound leaves room for every leaf a card can have", () => {
    const maxLeaves = 18 + 6 + 2 + 40; // top-level fields, theme colours, size, params
    expect(urlLimits.maxQueryParams).toBeGreaterThanOrEqual(maxLeaves);
  });

  test("a deflate bomb stops at 64 KiB of output", () => {
    const bomb = deflatedPart(Buffer.from(`{"title":"${" ".repeat(2 * 1024 * 1024)}"}`));
    const url = signRaw(bomb);
    expect(url.length).toBeLessThan(urlLimits.maxUrlLength);
    const error = failureOf(url);
    expect(error).toBeInstanceOf(CardUrlLimitError);
    expect((error as CardUrlLimitError).limit).toBe("cardBytes");
    expect(error.message).toMatch(/inflates to more than the 65,536 bytes/);
  });

  test("a payload just under the bound is read", () => {
    const json = `{"title":"x","subtitle":"${"y".repeat(400)}"}`;
    expect(verifyCardUrl(signRaw(deflatedPart(Buffer.from(json))), keys).card.subtitle).toBe(
      "y".repeat(400),
    );
  });
});

describe("keys and base URLs", () => {
  test("a key shorter than 32 bytes is refused, for signing and verifying", () => {
    expect(() => signCardUrl({ title: "x" }, { key: "short", baseUrl })).toThrow(SigningKeyError);
    expect(() => signCardUrl({ title: "x" }, { key: "short", baseUrl })).toThrow(
      /at least 32 bytes/,
    );
    expect(() => verifyCardUrl(signRaw("?title=x"), ["short"])).toThrow(SigningKeyError);
  });

  test("no keys, or a key id with other characters, is a SigningKeyError", () => {
    expect(() => verifyCardUrl(signRaw("?title=x"), [])).toThrow(SigningKeyError);
    expect(() => signCardUrl({ title: "x" }, { key: currentKey, keyId: "a.b", baseUrl })).toThrow(
      SigningKeyError,
    );
  });

  test.each([
    "cards.example.com",
    "ftp://cards.example.com",
    "https://cards.example.com/?x=1",
    "https://user:pw@cards.example.com",
  ])("base URL %s is a BaseUrlError", (base) => {
    expect(() => signCardUrl({ title: "x" }, { key: currentKey, baseUrl: base })).toThrow(
      BaseUrlError,
    );
  });

  test("a bad signature is a BadSignatureError, not a malformed URL", () => {
    const url = signRaw("?title=x").replace(/\.[\w-]{22}\?/, `.${"A".repeat(22)}?`);
    expect(failureOf(url)).toBeInstanceOf(BadSignatureError);
  });
});
