// Moving a message no retry can fix straight to the poison queue, as the bytes that were received.
import { storageCall } from "./errors";
import { names } from "../settings";
import type { JobStorage } from "./storage";

/**
 * The poison queue's text for a delivered message. The renderBatch trigger asks the host for the
 * message's bytes (`dataType: binary`), so the copy is the received message exactly: base64 of
 * the same bytes, with invalid UTF-8 and long integers untouched. Other inputs (a string or a
 * parsed object, from callers that decoded the message already) cannot be restored byte for byte;
 * they are re-encoded as well as they allow.
 */
export function poisonText(raw: unknown): string {
  if (raw instanceof Uint8Array) return Buffer.from(raw).toString("base64");
  const text = typeof raw === "string" ? raw : (JSON.stringify(raw) ?? "null");
  return Buffer.from(text, "utf8").toString("base64");
}

/**
 * Sends the message to `render-jobs-poison`. Retrying a message no delivery can fix five times
 * would only delay this; the host does the same for messages that are not valid base64.
 */
export async function quarantineMessage(storage: JobStorage, raw: unknown): Promise<void> {
  await storageCall(`sending a message to ${names.poisonQueue}`, () =>
    storage.poisonQueue.sendMessage(poisonText(raw)),
  );
}
