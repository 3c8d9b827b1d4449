// Conditional GET/HEAD (RFC 9110 §13.1.2): whether an If-None-Match header matches a representation's ETag.

/**
 * True when `ifNoneMatch` is `*` or lists `etag`. If-None-Match uses the weak comparison, so a
 * `W/` prefix (a CDN may add one after compressing) is ignored on both sides.
 */
export function matchesIfNoneMatch(ifNoneMatch: string | null | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  const wanted = opaque(etag);
  return ifNoneMatch.split(",").some((tag) => opaque(tag) === wanted);
}
