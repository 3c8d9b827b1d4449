// Signed card URLs (GET /api/og/…): sign a card, verify and decode a request's URL, the card's storage key; no Azure, no I/O.
export {
  signCard,
  signCardUrl,
  type SignableCard,
  type SignCardUrlOptions,
  type SignedCardUrl,
} from "./sign";
export {
  verifyCardUrl,
  createCardUrlVerifier,
  type CardUrlVerifier,
  inspectCardUrl,
  type VerifiedCardUrl,
  type InspectedCardUrl,
} from "./verify";
export { canonicalCard, cardKey, type CanonicalCard } from "./canonical";
export { keyIdOf, type SigningKeyInput } from "./keys";
export { urlLimits } from "./limits";
export { defaultRoutePath, urlVersion } from "./urlPath";
export {
  SigningError,
  SigningKeyError,
  BaseUrlError,
  MalformedCardUrlError,
  CardUrlLimitError,
  type CardUrlLimit,
  BadSignatureError,
} from "./errors";
