/**
 * One source's chunks on their way to the sink while it reads on: in the worker pool
 * (--offload), or being committed by a sink that writes behind (a database). However they finish
 * there, they are persisted one after another in the order they were read, and nothing after a
 * chunk that could not be persisted is: a checkpoint never moves past a gap (and a write-behind
 * sink, handed those chunks already, refuses to commit past one).
 *
 * Made only for a source that needs it: the synchronous path (100,000 sources, --sink none)
 * never allocates one.
 */
export class OrderedWrites<T> {
  /** Oldest first; each waits for the one before it. */
  private readonly turns: Promise<void>[] = [];

  /**
   * Queues `persist(value)` after every write added before it. Returns the oldest write once
   * `room` are out, for the source to wait for before it reads on (`room` is asked for each
   * time: many running sources share a window, and their number changes); undefined while there
   * is room.
   */
  add(value: T | Promise<T>, persist: (value: T) => Promise<void>, room: number): Promise<void> | undefined {
    const ready = Promise.resolve(value);
    ready.catch(ignore); // awaited in its turn; not unhandled while it waits
    const before = this.turns.at(-1);
    const turn = (async () => {
      await before; // a failed write fails every one after it, unattempted
      await persist(await ready);
    })();
    turn.catch(ignore); // seen by the source when it waits for it or drains; not unhandled meanwhile
    this.turns.push(turn);
    return this.turns.length >= room ? this.turns.shift() : undefined;
  }

  /** Every write added so far, done; rejects with the first that failed. */
  drained(): Promise<void> {
    return this.turns.at(-1) ?? Promise.resolve();
  }

  /**
   * Every write added so far, done or failed: the source had its own error (or was stopped), and
   * that is the one it reports; what it read before is persisted all the same.
   */
  settled(): Promise<void> {
    return this.drained().catch(ignore);
  }
}

function ignore() {}
