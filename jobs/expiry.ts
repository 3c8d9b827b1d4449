// When a batch stops being rendered: shortly before its expiry, so no write can outlive the pruning.
import { pipeline } from "../settings";

/**
 * The last moment a chunk of a batch expiring at `expiresAt` may start. A chunk delivered later
 * is dropped unrendered: its images and result could otherwise be written after the pruner
 * deleted the batch and its expiry marker, and nothing would ever delete them.
 */
export function renderDeadline(expiresAt: string | Date): Date {
  return new Date(new Date(expiresAt).getTime() - pipeline.renderStopsMinutesBeforeExpiry * 60_000);
}

/** True once the batch's remaining chunks will no longer be rendered. */
export function isPastRenderDeadline(expiresAt: string | Date, now: Date): boolean {
  return now.getTime() >= renderDeadline(expiresAt).getTime();
}
