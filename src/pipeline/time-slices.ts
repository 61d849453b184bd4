import { setImmediate as yieldToLoop } from 'node:timers/promises';

/**
 * Calls `start` for every item, but gives the event loop a turn (setImmediate) whenever `sliceMs`
 * of synchronous work has passed. Starting 100,000 sources in one go held the loop for hundreds
 * of milliseconds: timers, the lag meter and the dashboard all waited for the last one to start.
 */
export async function startInSlices<T, R>(items: readonly T[], start: (item: T, index: number) => R, sliceMs = 5): Promise<R[]> {
  const started: R[] = [];
  let sliceEnd = performance.now() + sliceMs;
  for (let i = 0; i < items.length; i++) {
    if (performance.now() > sliceEnd) {
      await yieldToLoop();
      sliceEnd = performance.now() + sliceMs;
    }
    started.push(start(items[i]!, i));
  }
  return started;
}
