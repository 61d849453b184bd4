import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it, mock } from 'node:test';
import { attachClock, Clock, MAX_TIMER_MS, sleep } from '../../src/util/clock.js';
import { mockTime, settledYet } from '../helpers/mock-time.js';

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('clock: sleeps', () => {
  it('sleep(0) yields through setImmediate, not a timer rounded up to 1 ms', async () => {
    const signal = new AbortController().signal;
    const before = timers();
    const wait = sleep(0, signal);
    assert.equal(timers(), before, 'no Timeout for a zero wait');
    assert.ok(process.getActiveResourcesInfo().includes('Immediate'));
    await wait;
  });

  it('resolves after its time, rejects at once with the reason on abort, and keeps one listener per signal', async (t) => {
    const time = mockTime(t);
    const controller = new AbortController();
    const wait = sleep(20, controller.signal);
    await time.pass(19);
    assert.equal(await settledYet(wait), false, 'never early');
    await time.pass(1);
    assert.equal(await settledYet(wait), true, 'on time');
    const waits = Array.from({ length: 100 }, () => sleep(10_000, controller.signal));
    assert.equal(EventEmitter.getEventListeners(controller.signal, 'abort').length, 1);
    const reason = new DOMException('stop', 'TimeoutError');
    controller.abort(reason);
    const results = await Promise.allSettled(waits);
    assert.ok(results.every((r) => r.status === 'rejected' && r.reason === reason));
    await assert.rejects(sleep(1, controller.signal), (err) => err === reason);
  });

  it('sleeps due in the same millisecond share one timer and wake in the order they began', async (t) => {
    const time = mockTime(t);
    const clock = new Clock();
    const release = clock.hold(); // time stands still: all fifty are due at the same millisecond
    const signals = Array.from({ length: 50 }, () => new AbortController().signal);
    const woke: number[] = [];
    const waits = signals.map((s, i) => clock.sleep(30, s).then(() => woke.push(i)));
    const armed = t.mock.method(globalThis, 'setTimeout');
    release();
    assert.equal(armed.mock.callCount(), 1, 'one timer for fifty sleeps');
    await time.pass(29);
    assert.deepEqual(woke, []);
    await time.pass(1);
    await Promise.all(waits);
    assert.deepEqual(
      woke,
      signals.map((_, i) => i),
    );
  });

  it('aborting some sleeps of a shared millisecond leaves the others to wake on time', async (t) => {
    const time = mockTime(t);
    const clock = new Clock();
    const controllers = Array.from({ length: 6 }, () => new AbortController());
    const waits = controllers.map((c) =>
      clock.sleep(20, c.signal).then(
        () => 'resolved',
        () => 'rejected',
      ),
    );
    for (const [i, c] of controllers.entries()) if (i % 2 === 0) c.abort(new Error('stop'));
    await time.pass(20);
    assert.deepEqual(await Promise.all(waits), ['rejected', 'resolved', 'rejected', 'resolved', 'rejected', 'resolved']);
  });

  it("a shared millisecond's timer goes when its last sleep is aborted, not before", async () => {
    const clock = new Clock();
    const before = timers();
    const release = clock.hold();
    const controllers = Array.from({ length: 6 }, () => new AbortController());
    const waits = controllers.flatMap((c) => [clock.sleep(5_000, c.signal), clock.sleep(20_000, c.signal)]);
    release();
    assert.equal(timers() - before, 2, 'one timer for each millisecond');
    for (const [i, c] of controllers.entries()) if (i % 2 === 0) c.abort(new Error('stop'));
    assert.equal(timers() - before, 2, 'half of each millisecond still waits');
    for (const c of controllers) c.abort(new Error('stop'));
    assert.equal(timers(), before, 'no timer left behind to keep the process alive');
    assert.ok((await Promise.allSettled(waits)).every((r) => r.status === 'rejected'));
  });

  it("a signal given a clock sleeps on it: sleep() without the clock's name stands still with it", async (t) => {
    const time = mockTime(t);
    const clock = new Clock();
    const signal = new AbortController().signal;
    attachClock(signal, clock);
    const release = clock.hold();
    const wait = sleep(0, signal); // even a zero wait: nothing simulated moves while time stands
    await time.pass(20_000);
    assert.equal(await settledYet(wait), false);
    release();
    await time.pass(0);
    assert.equal(await settledYet(wait), true);
  });
});

describe('clock: holding time', () => {
  it('a held clock wakes nothing; released, each wait has only its own time left', async (t) => {
    const time = mockTime(t);
    const clock = new Clock();
    const signal = new AbortController().signal;
    const woke: string[] = [];
    void clock.sleep(100, signal).then(() => woke.push('sleep 100'));
    clock.after(250, () => woke.push('alarm 250'));
    await time.pass(40);
    const release = clock.hold();
    assert.equal(clock.now(), 40);
    await time.pass(10_000); // a lecturer talks for ten seconds
    assert.equal(clock.now(), 40, 'the clock stood still');
    assert.deepEqual(woke, []);
    release();
    await time.pass(59);
    assert.deepEqual(woke, []);
    await time.pass(1);
    assert.deepEqual(woke, ['sleep 100']);
    await time.pass(150);
    assert.deepEqual(woke, ['sleep 100', 'alarm 250']);
    assert.equal(clock.now(), 250);
  });

  it('holds nest: time runs again only when the last is released, and a release counts once', (t) => {
    mockTime(t);
    const clock = new Clock();
    const fired: number[] = [];
    clock.after(10, () => fired.push(clock.now()));
    const a = clock.hold();
    const b = clock.hold();
    t.mock.timers.tick(100);
    a();
    a();
    t.mock.timers.tick(100);
    assert.deepEqual(fired, [], 'still held by b');
    b();
    t.mock.timers.tick(10);
    assert.deepEqual(fired, [10]);
  });

  it('a cancelled alarm never fires', (t) => {
    mockTime(t);
    const clock = new Clock();
    let fired = false;
    const cancel = clock.after(10, () => (fired = true));
    cancel();
    t.mock.timers.tick(1000);
    assert.equal(fired, false);
  });

  it("an alarm past Node's 2^31-1 ms timer limit fires on time, not after 1 ms", (t) => {
    mockTime(t);
    const clock = new Clock();
    const warnings = mock.method(process, 'emitWarning');
    const days30 = 30 * 24 * 3600_000;
    let firedAt: number | undefined;
    clock.after(days30, () => (firedAt = clock.now()));
    t.mock.timers.tick(MAX_TIMER_MS);
    assert.equal(firedAt, undefined, 'one step of the wait done, not all of it');
    t.mock.timers.tick(days30 - MAX_TIMER_MS);
    assert.equal(firedAt, days30);
    assert.equal(warnings.mock.callCount(), 0, 'no TimeoutOverflowWarning');
    warnings.mock.restore();
  });
});
