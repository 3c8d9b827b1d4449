// Moving a message no retry can fix straight to the poison queue, keeping its text for inspection.
import { storageCall } from "./errors";
import { names } from "./settings";
import type { JobStorage } from "./storage";

/**
 * Sends the message as received (re-encoded base64, like every message) to `render-jobs-poison`.
 * Retrying an undecodable message five times would only delay this; the host does the same for
 * messages that are not valid base64.
 */
export async function quarantineMessage(storage: JobStorage, raw: unknown): Promise<void> {
  const text =
    typeof raw === "string"
      ? raw
      : raw instanceof Uint8Array
        ? Buffer.from(raw).toString("utf8")
        : JSON.stringify(raw);
  await storageCall(`sending a message to ${names.poisonQueue}`, () =>
    storage.poisonQueue.sendMessage(Buffer.from(text ?? "null", "utf8").toString("base64")),
  );
}
