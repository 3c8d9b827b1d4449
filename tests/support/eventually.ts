// Polling helpers shared by tests that wait on processes and storage.

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it returns a value (not undefined) or the time is up. The default is
 * generous on purpose: a passing check returns at once, and a busy 2-core machine (the suite's two
 * workers plus anything else) makes waits of a few seconds take several times as long.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 45_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(100);
  }
}
