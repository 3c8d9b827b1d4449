// How long the event loop was blocked, in windows: what /api/health reports so a stall is told apart from slow storage.
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import { pipeline } from "../settings";

export interface EventLoopDelayReport {
  /** Length of a window; `current` covers at most this much time, `previous` exactly this. */
  windowSeconds: number;
  /** Worst delay (ms) in the window in progress and in the one before it. */
  currentMaxMs: number;
  previousMaxMs: number;
  /** 99th percentile (ms) of the window in progress. */
  currentP99Ms: number;
  /** Worst delay (ms) since monitoring started in this process. */
  worstMs: number;
}

interface Monitor {
  histogram: IntervalHistogram;
  previousMaxNs: number;
  worstNs: number;
}

let monitor: Monitor | undefined;

const toMs = (ns: number) => Math.round(ns / 1e5) / 10;

function started(): Monitor {
  if (monitor) return monitor;
  const histogram = monitorEventLoopDelay({ resolution: pipeline.eventLoopDelayResolutionMs });
  histogram.enable();
  const state: Monitor = { histogram, previousMaxNs: 0, worstNs: 0 };
  // unref: the monitor must never keep a process (a CLI run, a test) alive.
  setInterval(() => {
    state.previousMaxNs = histogram.count > 0 ? histogram.max : 0;
    state.worstNs = Math.max(state.worstNs, state.previousMaxNs);
    histogram.reset();
  }, pipeline.eventLoopDelayWindowSeconds * 1000).unref();
  monitor = state;
  return state;
}

/** Starts monitoring on first call (functions/health.ts calls it at import); later calls report. */
export function eventLoopDelay(): EventLoopDelayReport {
  const { histogram, previousMaxNs, worstNs } = started();
  const currentMaxNs = histogram.count > 0 ? histogram.max : 0;
  return {
    windowSeconds: pipeline.eventLoopDelayWindowSeconds,
    currentMaxMs: toMs(currentMaxNs),
    previousMaxMs: toMs(previousMaxNs),
    currentP99Ms: histogram.count > 0 ? toMs(histogram.percentile(99)) : 0,
    worstMs: toMs(Math.max(worstNs, currentMaxNs)),
  };
}
