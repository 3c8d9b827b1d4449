// Verifying a card URL from a request: bounds, shape, signature (constant time), then the card, validated.
import { type CardSpec } from "../renderer";
import { canonicalCard, cardKey } from "./canonical";
import { type CardPart, decodePayload, decodeQuery } from "./cardPart";
import { BadSignatureError, SigningKeyError } from "./errors";
import { type SigningKey, type SigningKeyInput, signatureMatches, signingKey } from "./keys";
import { signedCardPath } from "./sign";
import { type CardUrlParts, parseCardUrlPath, signedMessage } from "./urlPath";

export interface VerifiedCardUrl {
  /** The card to render: the canonical card, validated (parseCardSpec). */
  card: CardSpec;
  /** The card's canonical JSON. */
  canonical: string;
  /** cardKey(canonical): where its image is stored. Independent of the key and of the URL's spelling. */
  cardKey: string;
  /** The id of the key whose signature matched. */
  keyId: string;
  /** The form signCardUrl gives this card (not necessarily the request's). Computed when first read. */
  form: CardPart["form"];
  /**
   * The path and query signCardUrl gives for this card with the matching key, under the request's
   * own route path: equal to the request's when it was signed canonically.
   * Computed when first read.
   */
  canonicalPath: string;
}

/** What a URL carries, decoded but NOT verified: for debugging (`cardpress sign --decode`), never for serving. */
export interface InspectedCardUrl {
  keyId: string;
  signature: string;
  form: CardPart["form"];
  card: unknown;
}

function decodeCard(part: CardPart): unknown {
  return part.form === "query" ? decodeQuery(part.query) : decodePayload(part.payload);
}

/** Decodes a card URL's path and query without checking its signature. Throws as verifyCardUrl does for its shape. */
export function inspectCardUrl(pathAndQuery: string): InspectedCardUrl {
  const parts = parseCardUrlPath(pathAndQuery);
  return {
    keyId: parts.keyId,
    signature: parts.signature,
    form: parts.card.form,
    card: decodeCard(parts.card),
  };
}

function matchingKey(parts: CardUrlParts, keys: readonly SigningKey[]): SigningKey {
  const candidates = keys.filter((key) => key.id === parts.keyId);
  if (!candidates.length) {
    throw new BadSignatureError(
      parts.keyId,
      `the URL is signed with key "${parts.keyId}", which this deployment does not have (its keys: ${keys.map((key) => `"${key.id}"`).join(", ")}); sign it again with the current key`,
    );
  }
  const message = signedMessage(parts.keyId, parts.card);
  const received = Buffer.from(parts.signature, "base64url");
  // Every candidate is compared (no early exit), each in constant time.
  const matches = candidates.filter((key) => signatureMatches(key, message, received));
  const key = matches[0];
  if (!key) {
    throw new BadSignatureError(
      parts.keyId,
      `the signature does not match the URL for key "${parts.keyId}": the URL was changed after signing, or signed with another key`,
    );
  }
  return key;
}

function usableKeys(keys: readonly SigningKeyInput[]): SigningKey[] {
  if (!keys.length)
    throw new SigningKeyError(
      "expected at least one signing key to verify card URLs with, received none",
    );
  return keys.map((key) => signingKey(key));
}

/** The card of a URL whose signature `key` matched: canonicalised, validated, and its canonical path. */
function verifiedCard(parts: CardUrlParts, key: SigningKey): VerifiedCardUrl {
  const canonical = canonicalCard(decodeCard(parts.card));
  // Serving reads neither form nor canonicalPath: the card's re-encoding and second HMAC wait for a reader.
  let signed: ReturnType<typeof signedCardPath> | undefined;
  const canonicallySigned = () => (signed ??= signedCardPath(canonical, key, parts.routePath));
  return {
    card: canonical.spec,
    canonical: canonical.json,
    cardKey: cardKey(canonical.json),
    keyId: key.id,
    get form() {
      return canonicallySigned().part.form;
    },
    get canonicalPath() {
      return canonicallySigned().path;
    },
  };
}

/**
 * Verifies the path and query of a request for a card URL (`/api/og/v1/<key id>.<signature>…`)
 * against the deployment's keys (current and previous), then decodes and validates the card. The
 * signature is checked before the card is decoded: an unsigned URL costs one HMAC over at most
 * urlLimits.maxUrlLength characters. Throws CardUrlLimitError, MalformedCardUrlError,
 * BadSignatureError, or SpecValidationError (a signed card that does not validate), and
 * SigningKeyError when `keys` is empty or a key is unusable.
 */
export function verifyCardUrl(
  pathAndQuery: string,
  keys: readonly SigningKeyInput[],
): VerifiedCardUrl {
  const signingKeys = usableKeys(keys);
  const parts = parseCardUrlPath(pathAndQuery);
  return verifiedCard(parts, matchingKey(parts, signingKeys));
}

export type CardUrlVerifier = typeof verifyCardUrl;

interface RememberedUrl {
  secret: Buffer;
  verified: VerifiedCardUrl;
}

/**
 * verifyCardUrl that remembers the last `maxEntries` URLs it verified (least recently used out).
 * The shape and the signature are checked on every call, with the keys of that call, as before; only
 * what follows a match (decoding, canonicalising and validating the card, ~0.5 ms) is taken from
 * memory, for the same path and query whose signature matched the same key: the signed bytes name
 * the card. A URL that failed is never remembered.
 */
export function createCardUrlVerifier(maxEntries = 1024): CardUrlVerifier {
  const remembered = new Map<string, RememberedUrl>();
  return (pathAndQuery, keys) => {
    const signingKeys = usableKeys(keys);
    const parts = parseCardUrlPath(pathAndQuery);
    const key = matchingKey(parts, signingKeys);
    const known = remembered.get(pathAndQuery);
    remembered.delete(pathAndQuery);
    const verified =
      known && known.secret.equals(key.secret) ? known.verified : verifiedCard(parts, key);
    remembered.set(pathAndQuery, { secret: key.secret, verified });
    for (const oldest of remembered.keys()) {
      if (remembered.size <= maxEntries) break;
      remembered.delete(oldest);
    }
    return verified;
  };
}
