// Blob names: built only from checked parts, and a name is accepted only when it is exactly one the layout defines.
import { InvalidBlobNameError } from "../../jobs/errors";
import {
  assertLayoutName,
  blobNames,
  outputExtensionByFormat,
  parseBlobName,
} from "../../jobs/layout";
import { extensions } from "../../renderer/encode";

const batchId = "20261123-120000-0123456789";
const otherBatch = "20261123-120000-abcdefabcd";

test("every name the builders make parses back to its parts", () => {
  const expiresAt = new Date("2026-11-30T12:00:00.000Z");
  const built = [
    ["renders", blobNames.batchRecord(batchId), { kind: "batchRecord", batchId }],
    ["renders", blobNames.chunkResult(batchId, 12), { kind: "chunkResult", batchId, chunk: 12 }],
    [
      "renders",
      blobNames.output(batchId, "hero.v2_a-1", "jpg"),
      { kind: "output", batchId, itemId: "hero.v2_a-1", extension: "jpg" },
    ],
    [
      "renders",
      blobNames.expiryMarker(expiresAt, batchId),
      { kind: "expiryMarker", expiresAt, batchId },
    ],
    ["jobs", blobNames.claimCheck(batchId, 999), { kind: "claimCheck", batchId, chunk: 999 }],
  ] as const;
  for (const [container, name, parts] of built) {
    expect(parseBlobName(container, name)).toEqual(parts);
  }
  expect(blobNames.chunkResult(batchId, 12)).toBe(`${batchId}/_chunks/0012.json`);
});

test.each([
  ["an item id that climbs out", () => blobNames.output(batchId, "../../assets/x", "png")],
  ["an item id with a slash", () => blobNames.output(batchId, "a/b", "png")],
  ["an item id starting with a dot", () => blobNames.output(batchId, ".x", "png")],
  ["an empty item id", () => blobNames.output(batchId, "", "png")],
  ["an item id over 128 characters", () => blobNames.output(batchId, "a".repeat(129), "png")],
  ["an unknown extension", () => blobNames.output(batchId, "a", "json")],
  ["a batch id that climbs out", () => blobNames.batchRecord("../x")],
  ["a negative chunk", () => blobNames.chunkResult(batchId, -1)],
  ["a fractional chunk", () => blobNames.claimCheck(batchId, 1.5)],
  ["a chunk past the item limit", () => blobNames.claimCheck(batchId, 1000)],
  ["an invalid expiry time", () => blobNames.expiryMarker(new Date(Number.NaN), batchId)],
  ["a listing prefix of another shape", () => blobNames.batchPrefix("renders/..")],
])("refuses %s before any storage call", (_, build) => {
  expect(build).toThrow(InvalidBlobNameError);
});

test.each([
  ["renders", `${batchId}/../${otherBatch}/a.png`],
  ["renders", `${batchId}/./a.png`],
  ["renders", `${batchId}/sub/a.png`],
  ["renders", `${batchId}/a.PNG`],
  ["renders", `${batchId}/_chunks/12.json`],
  ["renders", `${batchId}/_chunks/0012.json/`],
  ["renders", `/${batchId}/_batch.json`],
  ["renders", `${batchId}/_batch.json?comp=list`],
  ["renders", `_expiry/2026-11-30T12:00:00Z/${batchId}`],
  ["jobs", `${batchId}/_batch.json`],
  ["jobs", `../renders/${batchId}/_batch.json`],
  ["jobs", `${batchId}/0000.json `],
  ["renders", `${batchId}/0000.json`],
] as const)("in %s, %j is not a layout name", (container, name) => {
  expect(parseBlobName(container, name)).toBeUndefined();
  expect(() => assertLayoutName(container, name)).toThrow(InvalidBlobNameError);
});

test("output extensions are the encoder's", () => {
  expect(outputExtensionByFormat).toEqual(extensions);
});
