/**
 * Reasons a signal is aborted with. The pipeline classifies a stopped source by
 * `signal.reason.name`: 'TimeoutError' means timed out, anything else means cancelled.
 */
export function timeoutReason(ms: number): DOMException {
  return new DOMException(`timed out after ${formatSeconds(ms)}`, 'TimeoutError');
}

export type CancelKind = 'user' | 'deadline' | 'SIGINT' | 'SIGTERM' | 'quit';

const cancelMessages: Record<CancelKind, string> = {
  user: 'cancelled by user',
  deadline: 'cancelled at the run deadline',
  SIGINT: 'interrupted (SIGINT)',
  SIGTERM: 'terminated (SIGTERM)',
  quit: 'stopped by user',
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
 * three times slower and twice as heavy. Here a wait costs a Set entry.
 */
const waiters = new WeakMap<AbortSignal, Set<() => void>>();

export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let set = waiters.get(signal);
  if (!set) {
    const callbacks = new Set<() => void>();
    waiters.set(signal, callbacks);
    signal.addEventListener('abort', () => callbacks.forEach((fn) => fn()), { once: true });
    set = callbacks;
  }
  set.add(callback);
  return () => void set.delete(callback);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const off = onAbort(signal, () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
    const timer = setTimeout(() => {
      off();
      resolve();
    }, ms);
  });
}

/** Rejects with the reason once the signal aborts and never settles otherwise: a hung call. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) return reject(signal.reason);
    onAbort(signal, () => reject(signal.reason));
  });
}
