import { knownWaitList, type Waiter, type WaitList, waitList } from './wait-list.js';

/**
 * Simulated time: what sources wait on (`sleep`), and what times them out. A run has its own
 * clock, carried by the signals it gives its sources, so that it can hold time still:
 *
 * - while an unlimited run starts its sources (asyncio.gather creates every task before any of
 *   them runs on; here no simulated wait ends before the last source has started), and
 * - while a lecturer pauses the run (`p`): latencies, timeouts and the deadline stop with it.
 *
 * Real I/O (files, HTTP) does not stop; it waits at the pipeline's pause gate instead.
 */
export class Clock {
  private holds = 0;
  private heldSince = 0;
  /** Milliseconds this clock has stood still, in all. */
  private stood = 0;
  private readonly due = new Map<number, Due>();

  /** Milliseconds of clock time: performance.now() less the time the clock stood still. */
  now(): number {
    return (this.holds > 0 ? this.heldSince : performance.now()) - this.stood;
  }

  get held(): boolean {
    return this.holds > 0;
  }

  /** Stops time until the returned release is called (holds nest; each releases once). */
  hold(): () => void {
    if (this.holds++ === 0) {
      this.heldSince = performance.now();
      for (const due of this.due.values()) clearTimeout(due.timer);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holds > 0) return;
      this.stood += performance.now() - this.heldSince;
      for (const due of this.due.values()) this.arm(due);
    };
  }

  /**
   * Waits `ms` of clock time, or rejects with the signal's reason as soon as it aborts. A wait of
   * 0 yields to the event loop once (setImmediate): setTimeout would round it up to 1 ms, which
   * capped a zero-latency source at 1,000 chunks a second.
   */
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const sleeper = new Sleeper(resolve, reject, signal);
      waitList(signal).add(sleeper);
      if (ms > 0 || this.held) this.enqueue(ms, sleeper);
      else sleeper.immediate = setImmediate(wakeSleeper, sleeper);
    });
  }

  /** Waits `ms` of clock time whether or not anything aborts: a cleanup that must finish. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => this.enqueue(ms, new Alarm(resolve)));
  }

  /** Calls `callback` after `ms` of clock time (a timeout, a deadline); returns its cancel. */
  after(ms: number, callback: () => void): () => void {
    const alarm = new Alarm(callback);
    this.enqueue(ms, alarm);
    return () => alarm.due?.remove(alarm);
  }

  private enqueue(ms: number, entry: Entry) {
    // Whole milliseconds: entries due in the same one share a Node timer (see Due).
    const at = Math.ceil(this.now() + ms);
    let due = this.due.get(at);
    if (!due) {
      due = new Due(this, at);
      this.due.set(at, due);
      if (!this.held) this.arm(due);
    }
    due.add(entry);
  }

  /** Node's timers take at most 2^31-1 ms (~24.8 days); a later one is reached in steps. */
  private arm(due: Due) {
    clearTimeout(due.timer);
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(due.at - this.now())));
    due.timer = setTimeout(fireDue, delay, due);
  }

  /** @internal Due's timer went off. */
  fire(due: Due) {
    if (this.held) return; // its timer was cleared; a callback already queued may still arrive
    if (due.at - this.now() > 0.5) return this.arm(due); // a long wait, one step of it done
    this.due.delete(due.at);
    due.fireAll();
  }

  /** @internal Due lost its last entry. */
  forget(due: Due) {
    clearTimeout(due.timer);
    if (this.due.get(due.at) === due) this.due.delete(due.at);
  }
}

export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The clock of signals that carry none: it never stands still. */
const wallClock = new Clock();

/** Gives a signal (and so the source that holds it) a clock to sleep on; it rides on the signal's wait list. */
export function attachClock(signal: AbortSignal, clock: Clock): void {
  waitList(signal).clock = clock;
}

const clockOf = (signal: AbortSignal) => knownWaitList(signal)?.clock ?? wallClock;

/** Waits `ms` on the signal's clock (the run's, for a source), rejecting when it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return clockOf(signal).sleep(ms, signal);
}

/**
 * Waits `ms` on the signal's clock even when the signal is (or gets) aborted: the cleanup after a
 * cancel, which must finish (asyncio: `except CancelledError: await cleanup(); raise`).
 */
export function sleepThroughAbort(ms: number, signal: AbortSignal): Promise<void> {
  return clockOf(signal).wait(ms);
}

/** Something due at a millisecond: a sleeping source, or an alarm. */
interface Entry {
  due?: Due;
  before?: Entry;
  after?: Entry;
  fire(): void;
}

/** A pending sleep is its own waiter: no closures per sleep, only this object and its place in line. */
class Sleeper implements Waiter, Entry {
  prev?: Waiter;
  next?: Waiter;
  list?: WaitList;
  due?: Due;
  before?: Entry;
  after?: Entry;
  immediate: NodeJS.Immediate | undefined;
  constructor(
    readonly resolve: () => void,
    readonly reject: (reason: unknown) => void,
    readonly signal: AbortSignal,
  ) {}
  aborted() {
    this.due?.remove(this);
    clearImmediate(this.immediate);
    this.reject(this.signal.reason);
  }
  fire() {
    wakeSleeper(this);
  }
}

function wakeSleeper(sleeper: Sleeper) {
  sleeper.list?.remove(sleeper);
  sleeper.resolve();
}

class Alarm implements Entry {
  due?: Due;
  before?: Entry;
  after?: Entry;
  constructor(readonly fire: () => void) {}
}

/**
 * The entries due in one millisecond, woken by one Node timer. Node drains the microtask queue
 * after every timer callback, so with a timer per sleep each woken source ran its whole chunk
 * (transform, write, events) alone between two timers; woken together, 10,000 sources sleeping
 * 10 ms run ~100 at a time: 1.35 s -> 0.95 s, and a Timeout object less per sleep.
 */
class Due {
  first?: Entry;
  last?: Entry;
  timer: NodeJS.Timeout | undefined;
  constructor(
    readonly clock: Clock,
    readonly at: number,
  ) {}
  add(entry: Entry) {
    entry.due = this;
    entry.before = this.last;
    if (this.last) this.last.after = entry;
    else this.first = entry;
    this.last = entry;
  }
  remove(entry: Entry) {
    if (entry.due !== this) return;
    if (entry.before) entry.before.after = entry.after;
    else this.first = entry.after;
    if (entry.after) entry.after.before = entry.before;
    else this.last = entry.before;
    entry.due = entry.before = entry.after = undefined;
    if (!this.first) this.clock.forget(this);
  }
  /** One at a time from the front: an entry that a firing one cancels is unlinked, not fired. */
  fireAll() {
    for (let entry = this.first; entry; entry = this.first) {
      this.first = entry.after;
      if (this.first) this.first.before = undefined;
      else this.last = undefined;
      entry.due = entry.before = entry.after = undefined;
      entry.fire();
    }
  }
}

function fireDue(due: Due) {
  due.clock.fire(due);
}
