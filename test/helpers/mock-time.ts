import type { TestContext } from 'node:test';

/**
 * Time under mock.timers: it moves only when the test moves it, so a ten-second wait takes no
 * time and every time a test reads is exact however loaded the machine is. The clock, the
 * pipeline's run time and the default clock's sleeps read performance.now(), which mock.timers
 * leaves alone: here it follows the mocked Date, from 0. setImmediate stays real: it is how the
 * test lets what a tick woke run to its next wait.
 */
export function mockTime(t: TestContext) {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] });
  t.mock.method(performance, 'now', () => Date.now());
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    /** `ms` at once (a lecturer talking while the run is paused), then what that woke runs. */
    async pass(ms: number) {
      t.mock.timers.tick(ms);
      await settle();
    },
    /** A millisecond at a time until `done()`, each one's wakers run to their next wait. */
    async until(done: () => boolean, withinMs = 30_000) {
      await settle(); // what is due now runs before time moves on
      for (let ms = 0; !done(); ms++) {
        if (ms > withinMs) throw new Error(`not within ${withinMs} ms of mocked time`);
        t.mock.timers.tick(1);
        await settle();
      }
    },
  };
}

/** Whether `p` has settled by the next turn of the event loop. */
export async function settledYet(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  p.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}
