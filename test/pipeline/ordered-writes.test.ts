import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { OrderedWrites } from '../../src/pipeline/ordered-writes.js';

/** A value ready after `ms`, or refused then. */
const later = <T>(ms: number, value: T, fail?: string) => sleep(ms).then(() => (fail ? Promise.reject(new Error(fail)) : value));

/** Fails the test if a promise is rejected with no one listening, for as long as `body` runs. */
async function noUnhandledRejections(body: () => Promise<void>) {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  process.on('unhandledRejection', listener);
  try {
    await body();
    await sleep(10); // an unhandled rejection is reported after the microtasks run out
  } finally {
    process.off('unhandledRejection', listener);
  }
  assert.deepEqual(seen, []);
}

describe('ordered writes', () => {
  it('persists in the order added, however the values finish', async () => {
    const writes = new OrderedWrites<number>();
    const persisted: number[] = [];
    const persist = async (n: number) => void persisted.push(n);
    for (const [n, ms] of [
      [0, 30],
      [1, 1],
      [2, 15],
      [3, 0],
    ] as const)
      writes.add(later(ms, n), persist, 10);
    await writes.drained();
    assert.deepEqual(persisted, [0, 1, 2, 3]);
  });

  it('takes a value as it is (a synchronous transform handed to a write-behind sink)', async () => {
    const writes = new OrderedWrites<string>();
    const persisted: string[] = [];
    writes.add('a', async (s) => void persisted.push(s), 4);
    writes.add(later(5, 'b'), async (s) => void persisted.push(s), 4);
    await writes.drained();
    assert.deepEqual(persisted, ['a', 'b']);
  });

  it('says nothing while there is room, and hands back the oldest write once `room` are out', async () => {
    const writes = new OrderedWrites<number>();
    const persisted: number[] = [];
    const persist = async (n: number) => void persisted.push(n);
    assert.equal(writes.add(later(20, 0), persist, 3), undefined);
    assert.equal(writes.add(later(1, 1), persist, 3), undefined);
    const oldest = writes.add(later(1, 2), persist, 3);
    assert.ok(oldest instanceof Promise, 'the third of three');
    await oldest;
    assert.deepEqual(persisted.slice(0, 1), [0], 'the oldest is written once it is handed back as done');
    // The room is asked for each time (the number of running sources changes): two left, room 1.
    assert.ok(writes.add(later(1, 3), persist, 1) instanceof Promise);
    await writes.drained();
    assert.deepEqual(persisted, [0, 1, 2, 3]);
  });

  it('a write that fails: nothing after it is attempted, drained() rejects with it, settled() does not', async () => {
    await noUnhandledRejections(async () => {
      const writes = new OrderedWrites<number>();
      const attempted: number[] = [];
      const persist = async (n: number) => {
        attempted.push(n);
        if (n === 1) throw new Error('disk full at 1');
      };
      for (const n of [0, 1, 2, 3]) writes.add(later(4 - n, n), persist, 10);
      await writes.settled();
      assert.deepEqual(attempted, [0, 1]);
      await assert.rejects(writes.drained(), /disk full at 1/);
    });
  });

  it('a value that is refused (a transform that failed) fails its write and those after it; those before are written', async () => {
    await noUnhandledRejections(async () => {
      const writes = new OrderedWrites<number>();
      const persisted: number[] = [];
      const persist = async (n: number) => void persisted.push(n);
      writes.add(later(10, 0), persist, 10);
      writes.add(later(1, 1, 'transform failed at 1'), persist, 10);
      writes.add(later(1, 2), persist, 10);
      await assert.rejects(writes.drained(), /transform failed at 1/);
      assert.deepEqual(persisted, [0]);
    });
  });

  it('the oldest write handed back rejects when it failed: the source stops reading there', async () => {
    await noUnhandledRejections(async () => {
      const writes = new OrderedWrites<number>();
      const fail = async () => {
        throw new Error('the server went away');
      };
      writes.add(later(5, 0), fail, 2);
      const oldest = writes.add(later(1, 1), async () => {}, 2);
      await assert.rejects(oldest!, /the server went away/);
      await assert.rejects(writes.drained(), /the server went away/, 'the one after it was not written either');
    });
  });

  it('with nothing added there is nothing to wait for', async () => {
    const writes = new OrderedWrites<number>();
    await writes.drained();
    await writes.settled();
  });
});
