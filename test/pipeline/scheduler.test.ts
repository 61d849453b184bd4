import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arrayFeed, type Feed, Lanes } from '../../src/pipeline/scheduler.js';

/** A run whose sources end when the test says: every start and end is an event in `log`. */
function harness(names: string[], concurrency: number, feed: Feed<string> = arrayFeed(names)) {
  const log: string[] = [];
  const ends = new Map<string, () => void>();
  let running = 0;
  let peak = 0;
  const lanes = new Lanes<string>({
    feed,
    concurrency,
    signal: new AbortController().signal,
    run: (name, index) => {
      running += 1;
      peak = Math.max(peak, running);
      log.push(`start ${name}#${index}`);
      return new Promise<void>((resolve) =>
        ends.set(name, () => {
          running -= 1;
          log.push(`end ${name}`);
          resolve();
        }),
      );
    },
  });
  /** Ends a running source and lets the lanes take the next ones. */
  const end = async (name: string) => {
    const resolve = ends.get(name);
    assert.ok(resolve, `${name} is not running`);
    ends.delete(name);
    resolve();
    await settle();
  };
  return { lanes, log, end, running: () => [...ends.keys()], peak: () => peak };
}

/** Lets every pending continuation run (no timers involved). */
const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

const names = (n: number) => Array.from({ length: n }, (_, i) => `s${i}`);

describe('lanes pull sources from a feed', () => {
  it('runs at most `concurrency` at once, in the feed order, the next as a slot frees', async () => {
    const h = harness(names(5), 2);
    await h.lanes.start();
    await settle();
    assert.deepEqual(h.running(), ['s0', 's1']);
    await h.end('s1');
    assert.deepEqual(h.running(), ['s0', 's2']);
    await h.end('s0');
    await h.end('s2');
    assert.deepEqual(h.running(), ['s3', 's4']);
    await h.end('s4');
    await h.end('s3');
    await h.lanes.done;
    assert.equal(h.peak(), 2);
    assert.deepEqual(
      h.log.filter((l) => l.startsWith('start')),
      ['start s0#0', 'start s1#1', 'start s2#2', 'start s3#3', 'start s4#4'],
    );
  });

  it('raising the concurrency starts sources at once; lowering it lets running ones finish', async () => {
    const h = harness(names(8), 2);
    await h.lanes.start();
    await settle();
    h.lanes.concurrency = 4;
    await settle();
    assert.deepEqual(h.running(), ['s0', 's1', 's2', 's3']);
    h.lanes.concurrency = 1;
    await settle();
    assert.deepEqual(h.running(), ['s0', 's1', 's2', 's3'], 'nothing is stopped by a lower limit');
    await h.end('s0');
    await h.end('s1');
    await h.end('s2');
    assert.deepEqual(h.running(), ['s3'], 'no new source until the count is below the limit');
    await h.end('s3');
    assert.deepEqual(h.running(), ['s4']);
    assert.equal(h.lanes.active, 1);
    for (const n of ['s4', 's5', 's6', 's7']) {
      assert.deepEqual(h.running(), [n]);
      await h.end(n);
    }
    await h.lanes.done;
  });

  it('with room for every source, all start before start() returns (the unlimited fast path)', async () => {
    let startedSeen = -1;
    const lanes = new Lanes<string>({
      feed: arrayFeed(names(50)),
      concurrency: 100,
      signal: new AbortController().signal,
      run: () => new Promise<void>(() => {}),
      started: () => (startedSeen = lanes.active),
    });
    await lanes.start();
    assert.equal(startedSeen, 50, 'one lane per source, no more');
  });

  it('takes from an asynchronous feed (a fleet claiming from a database) only as slots free', async () => {
    const claims: string[] = [];
    let left = names(4);
    const feed: Feed<string> = {
      next: async () => {
        await Promise.resolve();
        const name = left[0];
        left = left.slice(1);
        if (name !== undefined) claims.push(name);
        return name;
      },
    };
    const h = harness([], 2, feed);
    await h.lanes.start();
    await settle();
    assert.deepEqual(claims, ['s0', 's1'], 'nothing claimed ahead of a free slot');
    await h.end('s0');
    assert.deepEqual(claims, ['s0', 's1', 's2']);
    await h.end('s1');
    await h.end('s2');
    await h.end('s3');
    await h.lanes.done;
    assert.deepEqual(claims, names(4));
  });

  it('a feed that rejects once the run stops ends the lanes, it does not fail them', async () => {
    const stop = new AbortController();
    const ran: string[] = [];
    let handed = 0;
    const feed: Feed<string> = {
      next: (signal) =>
        signal.aborted
          ? Promise.reject(signal.reason)
          : new Promise((resolve, reject) => {
              if (handed++ === 0) return resolve('first');
              signal.addEventListener('abort', () => reject(signal.reason), { once: true });
            }),
    };
    const lanes = new Lanes<string>({
      feed,
      concurrency: 2,
      signal: stop.signal,
      run: async (name) => {
        ran.push(name);
      },
    });
    await lanes.start();
    await settle();
    stop.abort(new Error('stopped'));
    await lanes.done;
    assert.deepEqual(ran, ['first']);
  });

  it('an empty feed is done at once', async () => {
    const h = harness([], 3);
    await h.lanes.start();
    await h.lanes.done;
    assert.deepEqual(h.log, []);
  });

  it('a run that throws fails the lanes', async () => {
    const lanes = new Lanes<string>({
      feed: arrayFeed(names(3)),
      concurrency: 1,
      signal: new AbortController().signal,
      run: async (name) => {
        if (name === 's1') throw new Error('boom');
      },
    });
    await lanes.start();
    await assert.rejects(lanes.done, /boom/);
  });
});
