/**
 * What one dashboard frame costs in each view (rows, timeline, lesson) as the number of sources
 * grows: the timeline lays out only the lanes on screen, so 10,000 sources should cost about
 * what 30 do, plus the one pass over all sources that choosing the visible rows needs.
 *
 *   node --import tsx bench/teaching-views.ts
 */
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { App } from '../src/ui/components/App.js';
import { createStore } from '../src/ui/model/store.js';

const FRAMES = 40;

function storeOf(n: number) {
  const store = createStore({ intervalMs: 1 });
  const names = Array.from({ length: n }, (_, i) => `conn-${String(i).padStart(5, '0')}`);
  store.apply({
    type: 'run-start',
    t: 0,
    concurrency: n,
    sink: 'none',
    sources: names.map((name) => ({ name, kind: 'simulated', expected: { chunks: 10 } })),
    baselineRssBytes: 100e6,
  });
  names.forEach((source, i) => {
    store.apply({ type: 'source-start', t: i % 50, source });
    if (i % 3 === 0)
      store.apply({
        type: 'source-end',
        t: 500 + (i % 400),
        source,
        state: 'done',
        ms: 500,
        chunks: 10,
        records: 10,
        bytes: 860,
        persisted: 10,
        deadLettered: 0,
        dropped: 0,
      });
  });
  store.apply({ type: 'metrics', t: 1000, rss: 200e6, heapUsed: 80e6, loopLagP99Ms: 3, loopLagMaxMs: 5 });
  store.flush();
  return store;
}

async function frameCost(n: number, key: string | undefined): Promise<number> {
  const store = storeOf(n);
  const view = render(createElement(App, { store, forceExit: () => {}, clock: () => store.getSnapshot().startedAtEpochMs + 1000 }));
  Object.defineProperty(view.stdout, 'columns', { value: 120, configurable: true });
  Object.defineProperty(view.stdout, 'rows', { value: 40, configurable: true });
  view.stdout.emit('resize');
  if (key) view.stdin.write(key);
  await new Promise((r) => setTimeout(r, 50));
  const started = performance.now();
  for (let i = 0; i < FRAMES; i++) {
    store.apply({ type: 'metrics', t: 1000 + i, rss: 200e6 + i, heapUsed: 80e6, loopLagP99Ms: 3, loopLagMaxMs: 5 });
    store.flush();
    await new Promise((r) => setImmediate(r));
  }
  const ms = (performance.now() - started) / FRAMES;
  view.unmount();
  return ms;
}

console.log('ms per frame at 120x40 (median of 3 batches of 40 frames)');
for (const n of [30, 1_000, 10_000]) {
  const cells: string[] = [];
  for (const [label, key] of [
    ['rows', undefined],
    ['timeline', 't'],
    ['lesson', 'l'],
  ] as const) {
    const runs = [await frameCost(n, key), await frameCost(n, key), await frameCost(n, key)].sort((a, b) => a - b);
    cells.push(`${label} ${runs[1]!.toFixed(2)}`);
  }
  console.log(`${String(n).padStart(6)} sources: ${cells.join(' · ')}`);
}
