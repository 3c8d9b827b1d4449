// The Azurite launcher: free loopback ports, a working connection string, data kept with --location.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startAzurite } from "../../local/azurite";
import { connectStorage, ensureStorageResources } from "../../jobs/storage";

test("two instances run side by side on loopback ports; --location keeps data across restarts", async () => {
  const folder = await mkdtemp(path.join(tmpdir(), "cardpress-azurite-"));
  const [first, other] = await Promise.all([startAzurite({ location: folder }), startAzurite()]);
  try {
    expect(new Set([first.blobPort, first.queuePort, other.blobPort, other.queuePort]).size).toBe(
      4,
    );
    expect(first.connectionString).toContain(`BlobEndpoint=http://127.0.0.1:${first.blobPort}/`);
    const storage = connectStorage({ connectionString: first.connectionString });
    expect(storage.isEmulator).toBe(true);
    await ensureStorageResources(storage);
    await storage.assets.getBlockBlobClient("kept.txt").uploadData(Buffer.from("still here"));
  } finally {
    await Promise.all([first.stop(), other.stop()]);
  }
  const again = await startAzurite({ location: folder });
  try {
    const storage = connectStorage({ connectionString: again.connectionString });
    const bytes = await storage.assets.getBlobClient("kept.txt").downloadToBuffer();
    expect(bytes.toString()).toBe("still here");
  } finally {
    await again.stop();
    await rm(folder, { recursive: true, force: true });
  }
});
