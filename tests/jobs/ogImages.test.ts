// The og container's blob names: built only from a card key and a known extension, and read back exactly.
import { InvalidBlobNameError } from "../../jobs/errors";
import { assertLayoutName, blobNames, parseBlobName } from "../../jobs/layout";

const cardKey = "0c0efa7d75876ad066430f0c2cb77e6f425d796b178dad82e88a7704b0dd690b";

test("image and lock names parse back to their parts", () => {
  expect(blobNames.ogImage(cardKey, "png")).toBe(`${cardKey}.png`);
  expect(parseBlobName("og", blobNames.ogImage(cardKey, "webp"))).toEqual({
    kind: "ogImage",
    cardKey,
    extension: "webp",
  });
  expect(blobNames.ogLock(cardKey)).toBe(`locks/${cardKey}`);
  expect(parseBlobName("og", blobNames.ogLock(cardKey))).toEqual({ kind: "ogLock", cardKey });
});

test.each([
  ["a card key that climbs out", () => blobNames.ogImage(`../${cardKey}`, "png")],
  ["a card key in upper case", () => blobNames.ogImage(cardKey.toUpperCase(), "png")],
  ["a short card key", () => blobNames.ogImage(cardKey.slice(1), "png")],
  ["an unknown extension", () => blobNames.ogImage(cardKey, "json")],
  ["a lock of no card key", () => blobNames.ogLock("x")],
])("refuses %s before any storage call", (_, build) => {
  expect(build).toThrow(InvalidBlobNameError);
});

test.each([`${cardKey}.PNG`, `locks/${cardKey}.png`, `x/${cardKey}.png`, `${cardKey}`, "a.png"])(
  "%j is not an og layout name",
  (name) => {
    expect(parseBlobName("og", name)).toBeUndefined();
    expect(() => assertLayoutName("og", name)).toThrow(InvalidBlobNameError);
  },
);
