import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createStore } from '../../../src/ui/model/store.js';

/** Feed chunk events for `ms` and count how often the store notified. */
async function notificationsWhile(ms: number, listenerCostMs: number) {
  const store = createStore({ intervalMs: 10, viewBudget: 10 });
  store.apply({ type: 'run-start', t: 0, concurrency: 1, sink: 'none', sources: [{ name: 'a', kind: 'simulated' }] });
  let notified = 0;
  store.subscribe(() => {
    notified += 1;
    // Like React: the expensive part runs in a microtask after the listener returns.
    queueMicrotask(() => {
      const until = performance.now() + listenerCostMs;
      while (performance.now() < until);
    });
  });
  const started = performance.now();
  let seq = 0;
  while (performance.now() - started < ms) {
    store.apply({ type: 'chunk', t: Math.round(performance.now() - started), source: 'a', seq: seq++, records: 1, bytes: 1, persisted: 1, deadLettered: 0 });
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return notified;
}

describe('store pacing', () => {
  it('slow views are notified less often, so they take at most ~1/10 of the event loop', async () => {
    const cheap = await notificationsWhile(800, 0);
    const slow = await notificationsWhile(800, 20); // 20 ms a view: one notification per ~200 ms
    assert.ok(cheap >= 20, `cheap views follow the base interval (${cheap} notifications in 800 ms)`);
    assert.ok(slow <= 8, `slow views are paced (${slow} notifications in 800 ms)`);
    assert.ok(slow >= 2, `but still updated (${slow})`);
  });
});
