/**
 * Reasons a signal is aborted with. The pipeline classifies a stopped source by
 * `signal.reason.name`: 'TimeoutError' means timed out, anything else means cancelled.
 */
export function timeoutReason(ms: number): DOMException {
  return new DOMException(`timed out after ${formatSeconds(ms)}`, 'TimeoutError');
}

export type CancelKind = 'user' | 'deadline' | 'SIGINT' | 'SIGTERM' | 'quit' | 'EPIPE';

const cancelMessages: Record<CancelKind, string> = {
  user: 'cancelled by user',
  deadline: 'cancelled at the run deadline',
  SIGINT: 'interrupted (SIGINT)',
  SIGTERM: 'terminated (SIGTERM)',
  quit: 'stopped by user',
  EPIPE: 'stopped: the output pipe was closed (EPIPE)',
};

export class CancelReason extends DOMException {
  readonly kind: CancelKind;
  constructor(kind: CancelKind) {
    super(cancelMessages[kind], 'AbortError');
    this.kind = kind;
  }
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${+(ms / 1000).toFixed(2)}s`;
}

/**
 * One 'abort' listener per signal, however many waits it has. EventTarget listeners are costly
 * in Node 20: adding and removing one per sleep (what timers/promises does) made 10,000 sources
 * three times slower and twice as heavy. Here the waits on a signal form a linked list: joining
 * and leaving it allocates nothing, which matters at a million sleeps per run.
 */
interface Waiter {
  prev?: Waiter;
  next?: Waiter;
  list?: WaitList;
  aborted(): void;
}

class WaitList {
  private head: Waiter | undefined;
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

function waitList(signal: WithWaits): WaitList {
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
  constructor() {
    super();
    (this.signal as WithWaits)[kWaits] = this.waits;
  }
  override abort(reason?: unknown) {
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

/** A pending sleep is its own waiter: no closures per sleep, only this object and its place in line. */
class Sleeper implements Waiter {
  prev?: Waiter;
  next?: Waiter;
  list?: WaitList;
  /** Its place among the sleeps due in the same millisecond. */
  due?: Due;
  before?: Sleeper;
  after?: Sleeper;
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
}

/**
 * The sleeps due in one millisecond, woken by one Node timer. Node drains the microtask queue
 * after every timer callback, so with a timer per sleep each woken source ran its whole chunk
 * (transform, write, events) alone between two timers; woken together, 10,000 sources sleeping
 * 10 ms run ~100 at a time: 1.35 s -> 0.95 s, and a Timeout object less per sleep.
 */
class Due {
  first?: Sleeper;
  last?: Sleeper;
  timer: NodeJS.Timeout;
  constructor(readonly at: number, delay: number) {
    this.timer = setTimeout(fire, delay, this);
  }
  add(sleeper: Sleeper) {
    sleeper.due = this;
    sleeper.before = this.last;
    if (this.last) this.last.after = sleeper;
    else this.first = sleeper;
    this.last = sleeper;
  }
  remove(sleeper: Sleeper) {
    if (sleeper.due !== this) return;
    if (sleeper.before) sleeper.before.after = sleeper.after;
    else this.first = sleeper.after;
    if (sleeper.after) sleeper.after.before = sleeper.before;
    else this.last = sleeper.before;
    sleeper.due = sleeper.before = sleeper.after = undefined;
    if (!this.first) {
      clearTimeout(this.timer);
      dueAt.delete(this.at);
    }
  }
}

const dueAt = new Map<number, Due>();

function fire(due: Due) {
  dueAt.delete(due.at);
  for (let sleeper = due.first; sleeper; ) {
    const next = sleeper.after;
    sleeper.due = sleeper.before = sleeper.after = undefined;
    wake(sleeper);
    sleeper = next;
  }
  due.first = due.last = undefined;
}

function wake(sleeper: Sleeper) {
  sleeper.list?.remove(sleeper);
  sleeper.resolve();
}

/**
 * Waits `ms`, or rejects with the signal's reason as soon as it aborts. A wait of 0 yields to the
 * event loop once (setImmediate): setTimeout would round it up to 1 ms, which capped a
 * zero-latency source at 1,000 chunks a second.
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const sleeper = new Sleeper(resolve, reject, signal);
    waitList(signal).add(sleeper);
    if (ms > 0) {
      const now = performance.now();
      const at = Math.ceil(now + ms);
      // A whole number of ms: Node keeps one timer list per distinct duration.
      (dueAt.get(at) ?? dueAt.set(at, new Due(at, Math.ceil(at - now))).get(at)!).add(sleeper);
    } else sleeper.immediate = setImmediate(wake, sleeper);
  });
}

/** Rejects with the reason once the signal aborts and never settles otherwise: a hung call. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) return reject(signal.reason);
    onAbort(signal, () => reject(signal.reason));
  });
}
