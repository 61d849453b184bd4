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

/** Rejects with the reason once the signal aborts and never settles otherwise: a hung call. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
