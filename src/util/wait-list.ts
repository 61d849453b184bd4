import { getEventListeners } from 'node:events';
/**
 * One 'abort' listener per signal, however many waits it has. EventTarget listeners are costly
 * in Node 20: adding and removing one per sleep (what timers/promises does) made 10,000 sources
 * three times slower and twice as heavy. Here the waits on a signal form a linked list: joining
 * and leaving it allocates nothing, which matters at a million sleeps per run.
 */
import type { Clock } from './clock.js';

export interface Waiter {
  prev?: Waiter;
  next?: Waiter;
  list?: WaitList;
  aborted(): void;
}

export class WaitList {
  private head: Waiter | undefined;
  /**
   * The clock the signal's source sleeps on (attachClock). Kept here, not in a second symbol on
   * the signal: each property added to a native AbortSignal costs it ~50-100 bytes more (its own
   * hidden class), and the property store showed at ~3% of a 300,000-source profile.
   */
  clock: Clock | undefined;
  get empty(): boolean {
    return this.head === undefined;
  }
  add(waiter: Waiter) {
    waiter.list = this;
    waiter.next = this.head;
    if (this.head) this.head.prev = waiter;
    this.head = waiter;
  }
  remove(waiter: Waiter) {
    if (waiter.list !== this) return; // already woken or already left
    if (waiter.prev) waiter.prev.next = waiter.next;
    else this.head = waiter.next;
    if (waiter.next) waiter.next.prev = waiter.prev;
    waiter.list = waiter.prev = waiter.next = undefined;
  }
  /** On abort: wake every waiter (each leaves the list as it is woken). */
  wakeAll() {
    while (this.head) {
      const waiter = this.head;
      this.remove(waiter);
      waiter.aborted();
    }
  }
}

// The list rides on the signal itself. A WeakMap from signal to list cost 10,000 sources ~100 ms:
// every lookup per sleep is a hash probe and the GC treats each entry as an ephemeron.
const kWaits = Symbol('waits');
type WithWaits = AbortSignal & { [kWaits]?: WaitList };

/** The signal's list, when it has one yet (no listener is added to find out). */
export function knownWaitList(signal: AbortSignal): WaitList | undefined {
  return (signal as WithWaits)[kWaits];
}

export function waitList(signal: WithWaits): WaitList {
  const known = signal[kWaits];
  if (known) return known;
  const list = new WaitList();
  signal[kWaits] = list;
  signal.addEventListener('abort', () => list.wakeAll(), { once: true }); // the signal's one listener
  return list;
}

/**
 * The pipeline's per-source controller: its abort() wakes the waits on its signal itself, so the
 * signal needs no 'abort' listener of ours (~170 bytes and a slow registration each in Node 20,
 * times 100,000 sources). Other listeners (got's, a stream's) hear the abort first, as before.
 */
export class WakingAbortController extends AbortController {
  private readonly waits = new WaitList();
  /**
   * signal.aborted, without its getter: Node's checks that `this` is an AbortSignal on every read,
   * and the pipeline reads it after every chunk (~2% of a 300,000-source profile). Only this
   * controller aborts its signal, so the two never disagree.
   */
  aborted = false;
  constructor(clock?: Clock) {
    super();
    this.waits.clock = clock;
    (this.signal as WithWaits)[kWaits] = this.waits;
  }
  /**
   * Nothing left on it: not aborted, no wait of ours and no listener of anyone's (a source that
   * ended cleanly). Such a controller can serve the next source: making an AbortSignal is ~800
   * bytes and was ~15% of the CPU of a run of 300,000 one-chunk sources.
   */
  get reusable(): boolean {
    return !this.aborted && this.waits.empty && getEventListeners(this.signal, 'abort').length === 0;
  }
  override abort(reason?: unknown) {
    this.aborted = true;
    super.abort(reason);
    this.waits.wakeAll();
  }
}

export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  const waiter: Waiter = { aborted: callback };
  const list = waitList(signal);
  list.add(waiter);
  return () => list.remove(waiter);
}

/** Rejects with the reason once the signal aborts and never settles otherwise: a hung call. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) return reject(signal.reason);
    onAbort(signal, () => reject(signal.reason));
  });
}
