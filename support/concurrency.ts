// Running async work over a list with a fixed number in flight, yielding to the event loop between items.

/** Lets the event loop turn: native memory (canvas, encoder buffers) is released only then. */
export const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => setImmediate(resolve));

/**
 * Calls `work` for every item with at most `limit` calls in flight; results keep the input order.
 * The first rejection is rethrown after the calls already in flight settle.
 */
export async function mapWithLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, position: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (failure === undefined && next < items.length) {
      const position = next++;
      try {
        results[position] = await work(items[position] as T, position);
      } catch (error) {
        failure ??= { error };
      }
      await yieldToEventLoop();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (failure) throw failure.error;
  return results;
}
