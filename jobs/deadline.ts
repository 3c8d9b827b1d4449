// Per-card render deadlines of the batch pipeline: a bounded multiple of the card's estimated cost; a card past it fails for good and the chunk moves on.
import { type CardSpec, describeMs, estimateRenderMs } from "../renderer";
import { pipeline, type Settings } from "../settings";
import { JobError } from "./errors";

/** A card took longer than its deadline: a permanent per-item failure (`deadline_exceeded`). */
export class CardDeadlineError extends JobError {
  override name = "CardDeadlineError";
  constructor(
    readonly deadlineMs: number,
    readonly estimateMs: number,
  ) {
    super(
      `rendering took longer than its deadline of ${describeMs(deadlineMs).slice(1)} (estimated ${describeMs(estimateMs)}; renderer/spec/cost.ts); lower size, scale or quality, or choose png, jpeg or webp`,
    );
  }
}

/** The card's deadline in ms: `cardDeadlineFactor` × its estimate, within [cardDeadlineMinMs, CARD_DEADLINE_SECONDS]. */
export function cardDeadlineMs(
  spec: CardSpec,
  settings: Pick<Settings, "CARD_DEADLINE_SECONDS">,
): number {
  const scaled = pipeline.cardDeadlineFactor * estimateRenderMs(spec);
  return Math.min(
    settings.CARD_DEADLINE_SECONDS * 1000,
    Math.max(pipeline.cardDeadlineMinMs, scaled),
  );
}

/**
 * Waits for `work` at most `deadlineMs` after it calls `startClock()` (so time spent waiting for the
 * render gate or loading assets does not count), then rejects with CardDeadlineError.
 *
 * Only awaited phases can be cut short: a synchronous draw cannot be interrupted, so a timer that
 * falls due during it fires when it returns, and a render that completes past its deadline
 * without the timer having fired is refused on completion. Cutting short stops waiting, nothing
 * more: libvips cannot cancel an encode, which runs to its end on libuv's pool, and `work`
 * keeps whatever it holds (the render gate's slot) until it settles; its result is dropped.
 */
export function withDeadline<T>(
  deadlineMs: number,
  estimateMs: number,
  work: (startClock: () => void) => Promise<T>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let startedAt: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    const expire = () => reject(new CardDeadlineError(deadlineMs, estimateMs));
    const startClock = () => {
      startedAt = performance.now();
      timer = setTimeout(expire, deadlineMs);
    };
    work(startClock).then(
      (value) => {
        clearTimeout(timer);
        if (startedAt !== undefined && performance.now() - startedAt > deadlineMs) expire();
        else resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
