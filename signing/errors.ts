// Named error classes of signed card URLs: each says what was wrong, what was expected and what was received.

/** The signing layer's base: every error signing/ throws is one (functions/ and cli/ translate them). */
export class SigningError extends Error {
  override name = "SigningError";
}

/** A signing key that cannot be used: too short, an empty key list, or a key id with other characters. */
export class SigningKeyError extends SigningError {
  override name = "SigningKeyError";
}

/** The base URL given to signCardUrl is not an http(s) URL without query or fragment. */
export class BaseUrlError extends SigningError {
  override name = "BaseUrlError";
}

/**
 * A card URL that is not one: the wrong shape, an unknown version, an undecodable payload or query.
 * `part` names the part at fault (`path`, `version`, `keyId`, `signature`, `query`, `payload`).
 * HTTP: 400.
 */
export class MalformedCardUrlError extends SigningError {
  override name = "MalformedCardUrlError";
  constructor(
    readonly part: "path" | "version" | "keyId" | "signature" | "query" | "payload",
    message: string,
  ) {
    super(`malformed card URL (${part}): ${message}`);
  }
}

/** Which bound a card URL broke (signing/limits.ts). */
export type CardUrlLimit = "urlLength" | "queryParams" | "cardBytes";

/**
 * A card URL over one of its bounds (urlLimits): too long, too many query parameters, or a payload
 * that decodes (inflates) to more than the largest card. Thrown when signing (the card does not fit
 * in a URL) and when verifying (untrusted input). HTTP: 414 for `urlLength`, else 400.
 */
export class CardUrlLimitError extends SigningError {
  override name = "CardUrlLimitError";
  constructor(
    readonly limit: CardUrlLimit,
    readonly maximum: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The URL is well formed but its signature is not one of this deployment's keys' signature over it:
 * tampered, signed with another key, or a key id no key has. HTTP: 403, before anything is rendered
 * or read from storage.
 */
export class BadSignatureError extends SigningError {
  override name = "BadSignatureError";
  constructor(
    readonly keyId: string,
    message: string,
  ) {
    super(message);
  }
}
