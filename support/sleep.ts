// Waiting a while, cut short when a signal aborts: the one sleep of production code.

/**
 * Resolves after `ms`, or as soon as `signal` aborts (it resolves then too, never rejects: a
 * stopping loop checks its signal itself). The timer keeps the process alive, as a pending wait should.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
