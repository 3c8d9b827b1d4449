// Signing a card URL: the card's canonical form, its encoding, and the truncated HMAC-SHA256 over both.
import { type CardSpec, type CardSpecInput } from "../renderer";
import { type CanonicalCard, canonicalCard, cardKey } from "./canonical";
import { type CardPart, encodeCardPart } from "./cardPart";
import { BaseUrlError, CardUrlLimitError } from "./errors";
import { type SigningKey, type SigningKeyInput, signatureBytes, signingKey } from "./keys";
import { urlLimits } from "./limits";
import { cardUrlPath, defaultRoutePath, signedMessage } from "./urlPath";

/**
 * A card to sign: any card spec; one naming a template of its own may leave out `title` (its
 * params carry its text).
 */
export type SignableCard =
  CardSpec | (Omit<CardSpecInput, "title"> & { title?: CardSpecInput["title"] | undefined });

export interface SignCardUrlOptions {
  /** The signing key (its UTF-8 bytes if a string), at least 32 bytes; or `{ id, secret }`. */
  key: SigningKeyInput;
  /** Where the Function App (or a CDN forwarding paths unchanged) answers: `https://cards.example.com`. */
  baseUrl: string;
  /** The key's id in the URL; default: derived from the key (keyIdOf). */
  keyId?: string;
  /** The og route's path under baseUrl; default `/api/og` (host.json's route prefix). */
  routePath?: string;
}

export interface SignedCardUrl {
  url: string;
  /** The path and query (what verifyCardUrl reads). */
  path: string;
  /** The card's storage key: cardKey(canonical). */
  cardKey: string;
  /** The card's canonical JSON. */
  canonical: string;
  keyId: string;
  form: CardPart["form"];
  /** The validated card this URL renders. */
  spec: CardSpec;
}

/** A canonical card's part of the URL, and the path and query signing it with `key` under `routePath`. */
export function signedCardPath(
  canonical: CanonicalCard,
  key: SigningKey,
  routePath: string,
): { part: CardPart; path: string } {
  const part = encodeCardPart(canonical.fields, canonical.json);
  const signature = signatureBytes(key, signedMessage(key.id, part)).toString("base64url");
  return { part, path: cardUrlPath({ routePath, keyId: key.id, signature, card: part }) };
}

const routePathPattern = /^(?:\/[A-Za-z0-9._~-]+)*$/;

function checkedBase(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new BaseUrlError(
      `expected an http(s) base URL such as https://cards.example.com, received ${JSON.stringify(baseUrl)}`,
    );
  }
  if (
    !["http:", "https:"].includes(url.protocol) ||
    url.search ||
    url.hash ||
    url.username ||
    url.password
  ) {
    throw new BaseUrlError(
      `expected an http(s) base URL without query, fragment or credentials, such as https://cards.example.com, received ${JSON.stringify(baseUrl)}`,
    );
  }
  return baseUrl.replace(/\/+$/, "");
}

/**
 * Signs a card: validates it (parseCardSpec, plus: a stored template pinned by templateVersion, no
 * local template file), and gives its URL with the details a caller may store or print. Throws
 * SpecValidationError, SigningKeyError, BaseUrlError, or CardUrlLimitError when the URL would be
 * longer than urlLimits.maxUrlLength.
 */
export function signCard(card: SignableCard, options: SignCardUrlOptions): SignedCardUrl {
  const key = signingKey(options.key, options.keyId);
  const base = checkedBase(options.baseUrl);
  const routePath = options.routePath ?? defaultRoutePath;
  if (!routePathPattern.test(routePath)) {
    throw new BaseUrlError(
      `expected a route path such as "/api/og" (no trailing "/", unreserved characters), received ${JSON.stringify(routePath)}`,
    );
  }
  const canonical = canonicalCard(card);
  const { part, path } = signedCardPath(canonical, key, routePath);
  const url = `${base}${path}`;
  if (url.length > urlLimits.maxUrlLength) {
    throw new CardUrlLimitError(
      "urlLength",
      urlLimits.maxUrlLength,
      `the card's URL would be ${url.length} characters, over the ${urlLimits.maxUrlLength} Azure Functions accepts: shorten its text, or move what every card shares into a stored template and pass only its params`,
    );
  }
  return {
    url,
    path,
    cardKey: cardKey(canonical.json),
    canonical: canonical.json,
    keyId: key.id,
    form: part.form,
    spec: canonical.spec,
  };
}

/** The signed URL of a card (see signCard): the same card and key always give the same URL. */
export function signCardUrl(card: SignableCard, options: SignCardUrlOptions): string {
  return signCard(card, options).url;
}
