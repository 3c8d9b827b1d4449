// The hash of what the Functions host reads when it builds its trigger list: a new one means the scale controller must be told again (a trigger sync).
import { createHash } from "node:crypto";
import type { AppSetting } from "../appSettings";

/**
 * SHA-256 over the package hash and every app setting, sorted by name. The trigger definitions,
 * host.json and the queue name reach the host inside the package (its hash covers them); what
 * the host resolves from app settings does not: `%PRUNE_SCHEDULE%`, the storage connection
 * (`AzureWebJobsStorage__*`), `AzureFunctionsJobHost__*` overrides of host.json. Every setting is
 * hashed rather than a hand-kept list of the ones triggers read (such a list is how a new
 * PRUNE_SCHEDULE went unsynced): a settings change restarts the app anyway, and the extra sync
 * costs one ARM call. Secret settings (the card-URL signing keys, infra/appSettings.ts
 * `withSecretSettings`) are not in `appSettings`: no trigger reads them, and a hash of them would
 * make every deployment step's inputs secret.
 */
export function triggersHash(packageHash: string, appSettings: readonly AppSetting[]): string {
  const settings = [...appSettings]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map(({ name, value }) => [name, value]);
  return createHash("sha256").update(JSON.stringify({ packageHash, settings })).digest("hex");
}
