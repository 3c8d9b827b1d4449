// The bounds of a signed card URL: what a signer may produce and what a verifier reads from untrusted input.

export const urlLimits = {
  /**
   * Characters of a whole signed URL (signCardUrl) and of the path and query a verifier reads.
   * Azure Functions documents a 4 KB URL limit for HTTP triggers (its httpRuntime setting), below
   * Front Door's 8 KB and the 8,000 octets RFC 9110 asks every recipient to support: a longer URL
   * would be refused by the host before our code ran, so the signer refuses it first.
   */
  maxUrlLength: 4096,
  /**
   * Query parameters of a query-form URL. A card has at most 66 leaves (18 top-level fields, 6 theme
   * colours, width and height, 40 params): 80 leaves room and still bounds the parser.
   */
  maxQueryParams: 80,
  /**
   * Characters of the query form's query. A flat card longer than this (long percent-encoded text,
   * 3 characters a byte) takes the shorter payload form instead: half the URL limit keeps every
   * flat card that fits at all signable.
   */
  maxQueryFormLength: 2048,
  /**
   * Bytes of a card's canonical JSON, and so of a payload once decoded and inflated (zlib's
   * maxOutputLength). A 4 KB URL holds about 3 KB of deflate, which natural text inflates to ~12 KB;
   * 64 KiB is far above any card a URL can carry, and a deflate bomb stops there.
   */
  maxCardJsonBytes: 64 * 1024,
  /**
   * HMAC-SHA256 truncated to 128 bits (22 base64url characters): a forger must guess online, one
   * request per guess, with odds of 2⁻¹²⁸; RFC 2104 §5 asks for at least half the hash (128 bits).
   */
  signatureBytes: 16,
  /** Bytes of a signing key: 32 random bytes (256 bits) written as base64url are 43 characters. */
  minKeyBytes: 32,
  /** Characters of a key id (letters, digits, `_`, `-`); a derived id is 8. */
  maxKeyIdLength: 32,
} as const;
