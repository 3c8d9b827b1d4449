// How long the storage lifecycle rule lets renders live: a backstop behind the prune timer, never ahead of it.
import type { Settings } from "../settings";

/**
 * Days after which Azure deletes a render on its own: the longest a batch may legitimately keep
 * its outputs (its ttlHours is capped at MAX_TTL_HOURS, defaulting to RETENTION_HOURS), rounded
 * up to whole days, plus one day of slack for the prune timer.
 */
export function lifecycleDeleteAfterDays(settings: Settings): number {
  const longestHours = Math.max(settings.RETENTION_HOURS, settings.MAX_TTL_HOURS);
  return Math.ceil(longestHours / 24) + 1;
}
