// Bounds the memory all renders of one process hold at once: a weighted semaphore over estimated bytes, and an admission limit.
import { type CardSpec, type ImageFormat, outputSize } from "../renderer";
import { yieldToEventLoop } from "../support";
import { settingDefinitions, type Settings } from "../settings";

const MiB = 1024 * 1024;

/**
 * Native memory one render holds per output pixel, by format: the Skia canvas (4 B), the raw RGBA
 * copy (4 B) and the encoder's own buffers. Measured as the peak RSS growth of one 4096² card
 * rendered alone after a warm-up (MALLOC_ARENA_MAX=2): PNG 390 MiB, JPEG 386, WebP 436, AVIF 770
 * (its YUV planes and the AV1 encoder), i.e. 24, 24, 27 and 48 bytes per pixel; 2048² cards gave
 * the same ratios (docs/reliability.md, "Memory gate").
 */
export const renderBytesPerPixel: Readonly<Record<ImageFormat, number>> = {
  png: 24,
  jpeg: 24,
  webp: 28,
  avif: 48,
};

/** What any render holds whatever its size (scene, text layout, encoder set-up). */
export const renderFixedBytes = 8 * MiB;

/** The estimated peak bytes of rendering `spec`: its weight in the gate. */
export function renderCost(spec: Pick<CardSpec, "size" | "scale" | "format">): number {
  const { width, height } = outputSize(spec);
  return renderFixedBytes + width * height * renderBytesPerPixel[spec.format];
}

export interface RenderGateSnapshot {
  budgetBytes: number;
  /** Sum of the weights of the renders running now. */
  inFlightBytes: number;
  running: number;
  waiting: number;
  /** Highest `inFlightBytes` and `running` since the gate was made or `resetPeaks` was called. */
  peakInFlightBytes: number;
  peakRunning: number;
}

interface Waiter {
  weight: number;
  start: () => void;
}

/**
 * A weighted semaphore: a render starts only while the weights in flight plus its own fit the
 * budget. Waiters start in arrival order (a big card is not starved by a stream of small ones),
 * and a card estimated above the whole budget counts as the whole budget: it runs alone.
 */
export class RenderGate {
  #budget: number;
  #inFlight = 0;
  #running = 0;
  #peakInFlight = 0;
  #peakRunning = 0;
  readonly #queue: Waiter[] = [];

  constructor(budgetBytes: number) {
    this.#budget = RenderGate.#checkedBudget(budgetBytes);
  }

  static #checkedBudget(bytes: number): number {
    if (!Number.isFinite(bytes) || bytes <= 0) {
      throw new RangeError(`render gate budget must be a positive number of bytes, got ${bytes}`);
    }
    return bytes;
  }

  /** Changes the budget (settings are read per invocation); waiters that now fit start. */
  setBudget(bytes: number): void {
    this.#budget = RenderGate.#checkedBudget(bytes);
    this.#pump();
  }

  /** Runs `work` once `costBytes` (capped at the budget) fits beside the renders in flight. */
  async run<T>(costBytes: number, work: () => Promise<T>): Promise<T> {
    const weight = Math.max(0, Math.min(costBytes, this.#budget));
    await this.#acquire(weight);
    try {
      // A release resolves the next waiter inside the releasing card's microtasks: without a turn
      // of the event loop here, several synchronous draws ran back to back and held HTTP, health
      // checks and lease renewals for seconds (bench:memory-load's eventLoopMaxMs: 2.2 s).
      await yieldToEventLoop();
      return await work();
    } finally {
      this.#release(weight);
    }
  }

  snapshot(): RenderGateSnapshot {
    return {
      budgetBytes: this.#budget,
      inFlightBytes: this.#inFlight,
      running: this.#running,
      waiting: this.#queue.length,
      peakInFlightBytes: this.#peakInFlight,
      peakRunning: this.#peakRunning,
    };
  }

  resetPeaks(): void {
    this.#peakInFlight = this.#inFlight;
    this.#peakRunning = this.#running;
  }

  #fits(weight: number): boolean {
    return this.#running === 0 || this.#inFlight + weight <= this.#budget;
  }

  #take(weight: number): void {
    this.#inFlight += weight;
    this.#running += 1;
    this.#peakInFlight = Math.max(this.#peakInFlight, this.#inFlight);
    this.#peakRunning = Math.max(this.#peakRunning, this.#running);
  }

  #acquire(weight: number): Promise<void> {
    if (this.#queue.length === 0 && this.#fits(weight)) {
      this.#take(weight);
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#queue.push({ weight, start: resolve }));
  }

  #release(weight: number): void {
    this.#inFlight -= weight;
    this.#running -= 1;
    this.#pump();
  }

  #pump(): void {
    for (let head = this.#queue[0]; head && this.#fits(head.weight); head = this.#queue[0]) {
      this.#queue.shift();
      this.#take(head.weight);
      head.start();
    }
  }
}

let processGate: RenderGate | undefined;

/**
 * The one gate of this process, shared by queue chunks and synchronous renders; `settings` (read
 * per invocation) sets its budget, without them it keeps the budget it has (the default at first).
 */
export function sharedRenderGate(settings?: Pick<Settings, "RENDER_MEMORY_BUDGET_MB">): RenderGate {
  const budget =
    (settings?.RENDER_MEMORY_BUDGET_MB ?? settingDefinitions.RENDER_MEMORY_BUDGET_MB.default) * MiB;
  processGate ??= new RenderGate(budget);
  if (settings && processGate.snapshot().budgetBytes !== budget) processGate.setBudget(budget);
  return processGate;
}

/**
 * Counts requests held by one instance (running or waiting) against a limit: `tryEnter` gives a
 * release function, or undefined when the limit is reached and the caller should answer 429.
 */
export class AdmissionLimit {
  #held = 0;

  get held(): number {
    return this.#held;
  }

  tryEnter(limit: number): (() => void) | undefined {
    if (this.#held >= limit) return undefined;
    this.#held += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#held -= 1;
    };
  }
}
