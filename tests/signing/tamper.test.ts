// Any change to a signed URL is refused: a change to what is signed is a bad signature, checked in constant time before anything is decoded.
import crypto from "node:crypto";
import zlib from "node:zlib";
import { BadSignatureError, CardUrlLimitError, signCardUrl, verifyCardUrl } from "../../signing";
import {
  baseUrl,
  currentKey,
  deflatedPart,
  keys,
  pathOf,
  previousKey,
  quoteVersion,
  signRaw,
} from "./support";

const queryUrl = pathOf(
  signCardUrl(
    {
      template: "brand/quote",
      templateVersion: quoteVersion,
      params: { quote: "Tamper with me", name: "Eve" },
    },
    { key: currentKey, baseUrl },
  ),
);
const payloadUrl = pathOf(
  signCardUrl(
    {
      title: "Tamper with me",
      theme: { background: { type: "linear", stops: [{ color: "#000" }, { color: "#fff" }] } },
    },
    { key: currentKey, baseUrl },
  ),
);

/** Another character for position `index`: one that keeps the URL's shape where possible. */
function replaced(url: string, index: number): string {
  const original = url[index]!;
  const substitute =
    original === "A" ? "B" : /[A-Za-z0-9]/.test(original) ? "A" : original === "-" ? "_" : "-";
  return url.slice(0, index) + substitute + url.slice(index + 1);
}

describe.each([
  ["query form", queryUrl],
  ["payload form", payloadUrl],
])("%s", (_name, url) => {
  test("the untouched URL verifies", () => {
    expect(verifyCardUrl(url, [currentKey]).card).toBeDefined();
  });

  test("changing any one character is refused; in the card part it is a bad signature", () => {
    const versionAt = url.indexOf("/v1/");
    const cardPartAt = versionAt + url.slice(versionAt).search(/[?]|\/[jz]\./);
    const outcomes = new Map<string, string[]>();
    // The route before /v1/ is not signed (a CDN may map it elsewhere): from /v1/ on, every character
    // counts; the card part (after its "?" or "/") is not even parsed before the signature is checked.
    for (let index = versionAt + 1; index < url.length; index++) {
      let outcome = "verified";
      try {
        verifyCardUrl(replaced(url, index), [currentKey]);
      } catch (error) {
        outcome = error instanceof Error ? error.name : String(error);
      }
      const part = index <= cardPartAt ? "version, key id, signature" : "card part";
      outcomes.set(part, [...new Set([...(outcomes.get(part) ?? []), outcome])].sort());
    }
    expect(Object.fromEntries(outcomes)).toEqual({
      "version, key id, signature": ["BadSignatureError", "MalformedCardUrlError"],
      "card part": ["BadSignatureError"],
    });
  });

  test("appending or removing a character is refused", () => {
    expect(() => verifyCardUrl(`${url}A`, [currentKey])).toThrow(BadSignatureError);
    expect(() => verifyCardUrl(url.slice(0, -1), [currentKey])).toThrow(BadSignatureError);
  });

  test("another key's signature over the same URL is refused", () => {
    const otherKey = [{ id: keys[0]!.id, secret: previousKey }];
    const resigned = url.replace(/\/v1\/[\w-]+\./, `/v1/${keys[0]!.id}.`);
    expect(() => verifyCardUrl(resigned, otherKey)).toThrow(BadSignatureError);
  });
});

test("a key id this deployment does not have is a bad signature that names it", () => {
  expect(() => verifyCardUrl(signRaw("?title=Hi", currentKey, "gone"), keys)).toThrow(
    /signed with key "gone", which this deployment does not have/,
  );
});

test("the signature is compared with crypto.timingSafeEqual", () => {
  const spy = jest.spyOn(crypto, "timingSafeEqual");
  try {
    verifyCardUrl(queryUrl, [currentKey]);
    expect(spy).toHaveBeenCalledTimes(1);
    const [expected, received] = spy.mock.calls[0]!;
    expect([(expected as Buffer).length, (received as Buffer).length]).toEqual([16, 16]);
    spy.mockClear();
    expect(() => verifyCardUrl(replaced(queryUrl, queryUrl.length - 1), [currentKey])).toThrow(
      BadSignatureError,
    );
    expect(spy).toHaveBeenCalledTimes(1);
  } finally {
    spy.mockRestore();
  }
});

test("an unsigned payload is never inflated: a deflate bomb with a bad signature costs one HMAC", () => {
  const bomb = deflatedPart(Buffer.alloc(2 * 1024 * 1024, 0x20));
  const forged = signRaw(bomb, previousKey);
  const inflate = jest.spyOn(zlib, "inflateRawSync");
  try {
    expect(() => verifyCardUrl(forged, keys)).toThrow(BadSignatureError);
    expect(inflate).not.toHaveBeenCalled();
    // Signed, it is inflated, and stops at the bound.
    expect(() => verifyCardUrl(signRaw(bomb), keys)).toThrow(CardUrlLimitError);
    expect(inflate).toHaveBeenCalledTimes(1);
  } finally {
    inflate.mockRestore();
  }
});
