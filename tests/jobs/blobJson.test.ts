// Pipeline JSON documents read back whole while another writer replaces them, and within a byte bound.
import { z } from "zod";
import { CorruptDocumentError, readJsonBlob, writeJsonBlob } from "../../jobs/blobJson";
import { pipeline } from "../../settings";
import { useAzurite } from "./support/azurite";

const azurite = useAzurite();
const documentSchema = z.object({ round: z.number(), padding: z.string() });

test("a document rewritten with another length while it is read is never seen cut or padded", async () => {
  const { storage } = azurite();
  const name = "race/_chunks/0000.json";
  // Lengths differ from round to round, as a redelivered chunk's result does (timings, warnings).
  const version = (round: number) => ({ round, padding: "x".repeat((round % 7) * 997) });
  await writeJsonBlob(storage.renders, name, version(0));
  let writing = true;
  const writer = (async () => {
    for (let round = 1; writing; round += 1) {
      await writeJsonBlob(storage.renders, name, version(round));
    }
  })();
  try {
    for (let read = 0; read < 300; read += 1) {
      const document = await readJsonBlob(storage.renders, name, documentSchema);
      expect(document).toEqual(version(document?.round ?? -1));
    }
  } finally {
    writing = false;
    await writer;
  }
}, 120_000);

test("a document over the size bound is refused without being read into memory", async () => {
  const { storage } = azurite();
  const name = "huge/_chunks/0000.json";
  const size = pipeline.maxDocumentBytes + 1;
  await storage.renders.getBlockBlobClient(name).uploadData(Buffer.alloc(size, 0x20));
  await expect(readJsonBlob(storage.renders, name, documentSchema)).rejects.toThrow(
    CorruptDocumentError,
  );
  await expect(readJsonBlob(storage.renders, name, documentSchema)).rejects.toThrow(
    `documents are at most ${pipeline.maxDocumentBytes}`,
  );
});

test("a missing document is undefined, not an error", async () => {
  const { storage } = azurite();
  await expect(readJsonBlob(storage.renders, "absent.json", documentSchema)).resolves.toBe(
    undefined,
  );
});
