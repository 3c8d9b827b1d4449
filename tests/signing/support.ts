// Keys and a hand-made signer for the signing tests: URLs built from the format in docs/og-urls.md, not from signing/.
import { createHmac } from "node:crypto";
import { deflateRawSync } from "node:zlib";

export const currentKey = "test-current-key-0123456789abcdefghijklmnopqrstuv";
export const previousKey = "test-previous-key-0123456789abcdefghijklmnopqrst";
export const baseUrl = "https://cards.example.com";
/** A stored template's content hash, as `cardpress templates push` prints it. */
export const quoteVersion = "3f7a2b9c1d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8";

/** The path and query of a signed URL (what the HTTP function hands to verifyCardUrl). */
export const pathOf = (url: string): string => url.slice(baseUrl.length);

/** Signs a card part (`?…` or `/j.…`) exactly as docs/og-urls.md says, for inputs signCardUrl would never make. */
export function signRaw(cardPart: string, key = currentKey, keyId = "test"): string {
  const signature = createHmac("sha256", key)
    .update(`v1/${keyId}${cardPart}`)
    .digest()
    .subarray(0, 16)
    .toString("base64url");
  return `/api/og/v1/${keyId}.${signature}${cardPart}`;
}

export const keys = [{ id: "test", secret: currentKey }];

/** A `j.` payload part of any JSON text. */
export const jsonPart = (text: string): string => `/j.${Buffer.from(text).toString("base64url")}`;
/** A `z.` payload part of any bytes, deflated. */
export const deflatedPart = (bytes: Buffer): string =>
  `/z.${deflateRawSync(bytes, { level: 9 }).toString("base64url")}`;
