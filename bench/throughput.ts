// Bare renderer throughput: the standard card rendered N times with K in flight, as the job layer runs cards.
import { mapWithLimit } from "../support/concurrency";
import { renderCard } from "../renderer/render";
import { parseCardSpec } from "../renderer/spec/validate";
import { standardAssets, standardCard } from "./standardCard";

/** Cards per second for `count` standard cards with `inFlight` renders going (yielding between cards). */
export async function standardCardsPerSecond(count: number, inFlight: number): Promise<number> {
  const spec = parseCardSpec(standardCard);
  const assets = standardAssets();
  const start = performance.now();
  // Nothing is kept: holding every encoded card would skew the memory figures measured later.
  await mapWithLimit(Array.from({ length: count }), inFlight, async () => {
    await renderCard(spec, assets);
  });
  return count / ((performance.now() - start) / 1000);
}
