// The shape of a signed card URL's path and query: `…/v1/<key id>.<signature>` then `?<query>` or `/<payload>`; read without trusting it.
import { type CardPart, cardPartText } from "./cardPart";
import { CardUrlLimitError, MalformedCardUrlError } from "./errors";
import { keyIdPattern } from "./keys";
import { urlLimits } from "./limits";

/** The format version this code writes and reads: the path segment before the key id. */
export const urlVersion = "v1";

/** Where the Functions host serves GET /api/og/… (host.json's route prefix `api`, route `og`). */
export const defaultRoutePath = "/api/og";

/** A card URL's parts, as received (nothing verified). */
export interface CardUrlParts {
  /** The path before `/v1/` (e.g. `/api/og`): kept as it came, not signed. */
  routePath: string;
  keyId: string;
  /** base64url, as it came. */
  signature: string;
  card: CardPart;
}

/** The string a signature covers: `v1/<key id>` and the card part (`?<query>` or `/<payload>`). */
export const signedMessage = (keyId: string, card: CardPart): string =>
  `${urlVersion}/${keyId}${cardPartText(card)}`;

/** The path and query of a card URL: route, version, key id and signature, card part. */
export const cardUrlPath = (parts: CardUrlParts): string =>
  `${parts.routePath}/${urlVersion}/${parts.keyId}.${parts.signature}${cardPartText(parts.card)}`;

const versionPattern = /^v[0-9]+$/;
const signaturePattern = /^[A-Za-z0-9_-]+$/;
const signatureLength = Math.ceil((urlLimits.signatureBytes * 4) / 3);
const shown = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}…` : text);
const expectedShape = `…/${urlVersion}/<key id>.<signature>?<query> or …/${urlVersion}/<key id>.<signature>/<payload>`;

function checkVersion(version: string): void {
  if (version !== urlVersion) {
    throw new MalformedCardUrlError(
      "version",
      `this deployment reads card URLs of version ${urlVersion}, received ${shown(version)}`,
    );
  }
}

function keyIdAndSignature(token: string): { keyId: string; signature: string } {
  const dot = token.indexOf(".");
  const keyId = dot < 0 ? "" : token.slice(0, dot);
  const signature = dot < 0 ? token : token.slice(dot + 1);
  if (!keyIdPattern.test(keyId) || keyId.length > urlLimits.maxKeyIdLength) {
    throw new MalformedCardUrlError(
      "keyId",
      `expected <key id>.<signature> with a key id of 1–${urlLimits.maxKeyIdLength} letters, digits, "_" or "-", received ${shown(token)}`,
    );
  }
  // The canonical base64url of 16 bytes only: another spelling of the same bytes is another URL.
  if (
    signature.length !== signatureLength ||
    !signaturePattern.test(signature) ||
    Buffer.from(signature, "base64url").toString("base64url") !== signature
  ) {
    throw new MalformedCardUrlError(
      "signature",
      `expected ${signatureLength} base64url characters (${urlLimits.signatureBytes} bytes of HMAC-SHA256) after the key id, received ${shown(signature)}`,
    );
  }
  return { keyId, signature };
}

/**
 * Splits the path and query of a card URL (`/api/og/v1/k1.<signature>?title=Hi`). Bounded by
 * urlLimits.maxUrlLength before anything else is read. Throws CardUrlLimitError or
 * MalformedCardUrlError naming the part at fault.
 */
export function parseCardUrlPath(pathAndQuery: string): CardUrlParts {
  if (pathAndQuery.length > urlLimits.maxUrlLength) {
    throw new CardUrlLimitError(
      "urlLength",
      urlLimits.maxUrlLength,
      `a card URL's path and query are at most ${urlLimits.maxUrlLength} characters, received ${pathAndQuery.length}`,
    );
  }
  const questionMark = pathAndQuery.indexOf("?");
  const path = questionMark < 0 ? pathAndQuery : pathAndQuery.slice(0, questionMark);
  const query = questionMark < 0 ? undefined : pathAndQuery.slice(questionMark + 1);
  const segments = path.split("/");
  const queryForm = versionPattern.test(segments.at(-2) ?? "");
  const payloadForm = !queryForm && versionPattern.test(segments.at(-3) ?? "");
  if (!path.startsWith("/") || (!queryForm && !payloadForm)) {
    throw new MalformedCardUrlError("path", `expected ${expectedShape}, received ${shown(path)}`);
  }
  const versionIndex = segments.length - (queryForm ? 2 : 3);
  checkVersion(segments[versionIndex] as string);
  const { keyId, signature } = keyIdAndSignature(segments[versionIndex + 1] as string);
  const routePath = segments.slice(0, versionIndex).join("/");
  if (queryForm) {
    if (query === undefined) {
      throw new MalformedCardUrlError(
        "query",
        `expected the card as a query string after ${urlVersion}/${keyId}.<signature>, received none`,
      );
    }
    return { routePath, keyId, signature, card: { form: "query", query } };
  }
  const payload = segments.at(-1) as string;
  if (query !== undefined) {
    throw new MalformedCardUrlError(
      "query",
      `a card URL with a payload segment carries no query string, received ?${shown(query).slice(1, -1)}`,
    );
  }
  if (payload === "") {
    throw new MalformedCardUrlError(
      "payload",
      `expected a payload segment (j.… or z.…), received none`,
    );
  }
  return { routePath, keyId, signature, card: { form: "payload", payload } };
}
