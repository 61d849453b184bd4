import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { sleep } from '../../src/util/clock.js';
import { onAbort, untilAborted, WakingAbortController } from '../../src/util/wait-list.js';
import { mockTime } from '../helpers/mock-time.js';

describe('abort wait list', () => {
  it('an abort rejects pending sleeps of 0 and of 10 s with the reason at once, and leaves no immediate or timer behind', async () => {
    // Settled promises cannot settle again: what could still go wrong later is a wake-up left armed.
    const armed = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'Immediate').length;
    const before = armed();
    const controller = new AbortController();
    const waits = [sleep(0, controller.signal), sleep(10_000, controller.signal)];
    assert.equal(armed(), before + 2, 'an immediate for the 0, a timer for the 10 s');
    controller.abort(new Error('stop'));
    assert.equal(armed(), before, 'nothing left to fire, or to keep the process alive');
    const results = await Promise.allSettled(waits);
    assert.deepEqual(
      results.map((r) => r.status === 'rejected' && (r.reason as Error).message),
      ['stop', 'stop'],
    );
  });

  it('a callback that left the list is not called; the others are called once, in any order', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    onAbort(controller.signal, () => calls.push('a'));
    const offB = onAbort(controller.signal, () => calls.push('b'));
    onAbort(controller.signal, () => calls.push('c'));
    offB();
    offB(); // leaving twice is harmless
    controller.abort();
    controller.abort();
    assert.deepEqual(calls.sort(), ['a', 'c']);
  });

  it('untilAborted and sleeps on one signal all reject when it aborts, including waits added after others woke', async (t) => {
    const time = mockTime(t);
    const controller = new AbortController();
    const first = sleep(1, controller.signal);
    await time.pass(1);
    await first; // joined and left the list
    const hung = untilAborted(controller.signal);
    const late = sleep(10_000, controller.signal);
    const reason = new DOMException('deadline', 'AbortError');
    controller.abort(reason);
    await assert.rejects(hung, (err) => err === reason);
    await assert.rejects(late, (err) => err === reason);
    await assert.rejects(sleep(0, controller.signal), (err) => err === reason);
  });

  it("a source's controller wakes its sleeps and callbacks on abort without an 'abort' listener; other listeners hear it first", async () => {
    const controller = new WakingAbortController();
    const order: string[] = [];
    controller.signal.addEventListener('abort', () => order.push('listener'));
    const waits = [sleep(10_000, controller.signal), untilAborted(controller.signal)];
    onAbort(controller.signal, () => order.push('callback'));
    assert.equal(EventEmitter.getEventListeners(controller.signal, 'abort').length, 1, 'only the one added here');
    const reason = new DOMException('cancelled by user', 'AbortError');
    controller.abort(reason);
    const results = await Promise.allSettled(waits);
    assert.ok(results.every((r) => r.status === 'rejected' && r.reason === reason));
    assert.deepEqual(order, ['listener', 'callback']);
    await assert.rejects(sleep(0, controller.signal), (err) => err === reason);
  });

  it('a controller serves another source only when nothing is left on it: no abort, no wait, no listener', async () => {
    const clean = new WakingAbortController();
    await sleep(0, clean.signal);
    assert.equal(clean.reusable, true);

    const waiting = new WakingAbortController();
    const off = onAbort(waiting.signal, () => {});
    assert.equal(waiting.reusable, false, 'a wait still on it');
    off();
    assert.equal(waiting.reusable, true);

    const listened = new WakingAbortController();
    listened.signal.addEventListener('abort', () => {});
    assert.equal(listened.reusable, false, "someone else's listener");

    const aborted = new WakingAbortController();
    aborted.abort(new Error('stop'));
    assert.equal(aborted.aborted, true);
    assert.equal(aborted.reusable, false);
  });
});
