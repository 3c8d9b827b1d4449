// Read-only SAS URLs for single output blobs: account-key SAS with a key, user-delegation SAS with an identity.
import {
  BlobSASPermissions,
  SASProtocol,
  type BlobGenerateSasUrlOptions,
  type UserDelegationKey,
} from "@azure/storage-blob";
import { storageCall } from "./errors";
import { pipeline, type Settings } from "../settings";
import type { JobStorage } from "./storage";

export interface SasWindow {
  startsOn: Date;
  expiresOn: Date;
}

/** What may shorten or set a URL's lifetime besides SAS_TTL_MINUTES. */
export interface SasLimits {
  /** Lifetime asked for by the caller (e.g. `cardpress urls --ttl`) instead of SAS_TTL_MINUTES. */
  ttlMs?: number;
  /** The URL never outlives this (the batch's expiry: its blobs are pruned then). */
  notAfter?: Date;
}

/**
 * Start back-dated for clock skew; lifetime from `limits.ttlMs` or SAS_TTL_MINUTES, never more
 * than 7 days, and never past `limits.notAfter`.
 */
export function sasWindow(
  settings: Settings,
  now: Date = new Date(),
  limits: SasLimits = {},
): SasWindow {
  const ttlMs = Math.min(
    limits.ttlMs ?? settings.SAS_TTL_MINUTES * 60_000,
    pipeline.maxSasTtlMinutes * 60_000,
  );
  const expiresOn = Math.min(now.getTime() + ttlMs, limits.notAfter?.getTime() ?? Infinity);
  return {
    startsOn: new Date(now.getTime() - pipeline.sasClockSkewMinutes * 60_000),
    // Whole seconds: what the signed `se` field holds, so the reported expiry is the real one.
    expiresOn: new Date(Math.floor(expiresOn / 1000) * 1000),
  };
}

/** Makes read URLs for blobs of the `renders` container; one signer per request (one delegation key). */
export type ReadUrlSigner = (blobName: string) => Promise<string>;

export async function createReadUrlSigner(
  storage: JobStorage,
  settings: Settings,
  now: Date = new Date(),
  limits: SasLimits = {},
): Promise<ReadUrlSigner> {
  const window = sasWindow(settings, now, limits);
  const options: BlobGenerateSasUrlOptions = {
    permissions: BlobSASPermissions.from({ read: true }),
    startsOn: window.startsOn,
    expiresOn: window.expiresOn,
    // Plain HTTP is allowed only against Azurite on loopback, which speaks nothing else.
    protocol: storage.isEmulator ? SASProtocol.HttpsAndHttp : SASProtocol.Https,
  };
  if (storage.sasMode === "account-key") {
    return (blobName) => storage.renders.getBlobClient(blobName).generateSasUrl(options);
  }
  // A user delegation key is signed by Entra ID for the app's identity (role Storage Blob
  // Delegator); it cannot outlive 7 days, which is also the cap on SAS_TTL_MINUTES.
  const key: UserDelegationKey = await storageCall("getting a user delegation key", async () => {
    const response = await storage.blobService.getUserDelegationKey(
      window.startsOn,
      window.expiresOn,
    );
    return response;
  });
  return (blobName) =>
    storage.renders.getBlobClient(blobName).generateUserDelegationSasUrl(options, key);
}
