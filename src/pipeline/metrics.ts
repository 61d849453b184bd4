import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Emit } from './events.js';

const RESOLUTION_MS = 10;

/**
 * A background task that samples memory and event-loop delay a few times a second. The delay is
 * what the lecture's "blocking call freezes the loop" looks like in numbers: when something
 * synchronous runs for 200 ms, every timer, socket and render waits 200 ms.
 */
export function startMetrics(emit: Emit, now: () => number, intervalMs = 250, estimate: () => { progress?: number; etaMs?: number } = () => ({})) {
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  const baselineRssBytes = process.memoryUsage.rss();
  let peakRssBytes = baselineRssBytes;
  let maxLoopLagMs = 0;

  const sample = () => {
    const { rss, heapUsed } = process.memoryUsage();
    // The histogram counts the timer's own period; what is left over is lag.
    const lag = (ns: number) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 10) / 10);
    const loopLagP99Ms = delay.count > 0 ? lag(delay.percentile(99)) : 0;
    const loopLagMaxMs = delay.count > 0 ? lag(delay.max) : 0;
    delay.reset();
    peakRssBytes = Math.max(peakRssBytes, rss);
    maxLoopLagMs = Math.max(maxLoopLagMs, loopLagMaxMs);
    emit({ type: 'metrics', t: now(), rss, heapUsed, loopLagP99Ms, loopLagMaxMs, ...estimate() });
  };
  const timer = setInterval(sample, intervalMs);

  return {
    baselineRssBytes,
    stop() {
      clearInterval(timer);
      sample();
      delay.disable();
      return { baselineRssBytes, peakRssBytes, maxLoopLagMs };
    },
  };
}
