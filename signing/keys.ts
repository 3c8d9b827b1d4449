// Signing keys: their bytes, their ids (given, or derived from the key), and the truncated HMAC-SHA256 over a URL.
import { createHmac, timingSafeEqual } from "node:crypto";
import { SigningKeyError } from "./errors";
import { urlLimits } from "./limits";

/** A key as configured: its secret (a string is used as its UTF-8 bytes), with or without an id. */
export type SigningKeyInput = string | Uint8Array | { id?: string; secret: string | Uint8Array };

export interface SigningKey {
  id: string;
  secret: Buffer;
}

export const keyIdPattern = /^[A-Za-z0-9_-]+$/;

/** What HMAC-SHA256 signs to derive a key's id: a fixed string, so the id reveals nothing of the key. */
const keyIdMessage = "cardpress key id";
const derivedKeyIdLength = 8;

/**
 * A key's id when none is configured: the first 8 base64url characters of HMAC-SHA256(key,
 * "cardpress key id"). A current and a previous key then need no names to be told apart.
 */
export function keyIdOf(secret: string | Uint8Array): string {
  return createHmac("sha256", toBytes(secret))
    .update(keyIdMessage)
    .digest("base64url")
    .slice(0, derivedKeyIdLength);
}

function toBytes(secret: string | Uint8Array): Buffer {
  return typeof secret === "string" ? Buffer.from(secret, "utf8") : Buffer.from(secret);
}

/** Checks a configured key and gives its bytes and id; `id` (from the options) wins over the key's own. */
export function signingKey(input: SigningKeyInput, id?: string): SigningKey {
  const configured =
    typeof input === "string" || input instanceof Uint8Array ? { secret: input } : input;
  const secret = toBytes(configured.secret);
  if (secret.length < urlLimits.minKeyBytes) {
    throw new SigningKeyError(
      `expected a signing key of at least ${urlLimits.minKeyBytes} bytes (e.g. 32 random bytes as base64url: openssl rand -base64 32 | tr '+/' '-_' | tr -d '='), received ${secret.length}`,
    );
  }
  const keyId = id ?? configured.id ?? keyIdOf(secret);
  if (!keyIdPattern.test(keyId) || keyId.length > urlLimits.maxKeyIdLength) {
    throw new SigningKeyError(
      `expected a key id of 1–${urlLimits.maxKeyIdLength} letters, digits, "_" or "-", received ${JSON.stringify(keyId.slice(0, 40))}`,
    );
  }
  return { id: keyId, secret };
}

/** The first 16 bytes of HMAC-SHA256(key, message): the signature a URL carries (base64url). */
export function signatureBytes(key: SigningKey, message: string): Buffer {
  return createHmac("sha256", key.secret)
    .update(message, "utf8")
    .digest()
    .subarray(0, urlLimits.signatureBytes);
}

/** Whether `received` is the key's signature of `message`, compared in constant time. */
export function signatureMatches(key: SigningKey, message: string, received: Buffer): boolean {
  const expected = signatureBytes(key, message);
  return received.length === expected.length && timingSafeEqual(expected, received);
}
