// createCardUrlVerifier: remembers a verified URL's card, yet checks shape and signature on every call.
import {
  BadSignatureError,
  createCardUrlVerifier,
  MalformedCardUrlError,
  signCardUrl,
  verifyCardUrl,
} from "../../signing";
import { baseUrl, currentKey, keys, pathOf, previousKey } from "./support";

const urlOf = (title: string) =>
  pathOf(signCardUrl({ title }, { key: { id: "test", secret: currentKey }, baseUrl }));

test("a URL verified before answers the remembered card, equal to what verifyCardUrl gives", () => {
  const verify = createCardUrlVerifier();
  const url = urlOf("Remember me");
  const first = verify(url, keys);
  expect(first).toEqual(verifyCardUrl(url, keys));
  // The same object: the card was not decoded and validated again.
  expect(verify(url, keys)).toBe(first);
});

test("the signature is still checked on every call: a remembered URL fails with other keys", () => {
  const verify = createCardUrlVerifier();
  const url = urlOf("Checked every time");
  verify(url, keys);
  // The same key id with another secret (a rotation that kept the id): refused, not remembered.
  expect(() => verify(url, [{ id: "test", secret: previousKey }])).toThrow(BadSignatureError);
  expect(() => verify(`${url}x`, keys)).toThrow(BadSignatureError);
  expect(() => verify(url.replace("/v1/", "/v2/"), keys)).toThrow(MalformedCardUrlError);
});

test("it keeps at most maxEntries URLs, least recently used out", () => {
  const verify = createCardUrlVerifier(2);
  const [a, b, c] = ["A", "B", "C"].map(urlOf) as [string, string, string];
  const firstA = verify(a, keys);
  const firstB = verify(b, keys);
  expect(verify(a, keys)).toBe(firstA); // a is now the most recently used
  verify(c, keys); // over the bound: b, the least recently used, goes
  expect(verify(a, keys)).toBe(firstA);
  const againB = verify(b, keys);
  expect(againB).not.toBe(firstB);
  expect(againB).toEqual(firstB);
});
