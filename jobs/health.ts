// Is storage reachable: one cheap call each to blob and queue storage.
import { describeStorageError } from "./errors";
import type { JobStorage } from "./storage";

export interface StorageHealth {
  healthy: boolean;
  blob: { ok: boolean; error?: string };
  queue: { ok: boolean; error?: string };
}

async function probe(call: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  try {
    await call();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: describeStorageError(error) };
  }
}

export async function checkStorageHealth(storage: JobStorage): Promise<StorageHealth> {
  const [blob, queue] = await Promise.all([
    probe(() => storage.renders.getProperties()),
    probe(() => storage.renderQueue.getProperties()),
  ]);
  return { healthy: blob.ok && queue.ok, blob, queue };
}
