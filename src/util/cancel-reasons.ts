/**
 * The reasons a source's signal is aborted with. The pipeline classifies a stopped source by
 * `signal.reason.name`: 'TimeoutError' means timed out, anything else means cancelled. Both are
 * DOMExceptions named as AbortSignal.timeout()'s and a bare abort()'s reasons are, so code written
 * for those tells them apart the same way.
 */
export function timeoutReason(ms: number): DOMException {
  return new DOMException(`timed out after ${formatSeconds(ms)}`, 'TimeoutError');
}

/** Who stopped a source: 'lease' is a fleet worker that lost its hold on the source to another worker. */
export type CancelKind = 'user' | 'deadline' | 'SIGINT' | 'SIGTERM' | 'quit' | 'EPIPE' | 'lease';

const cancelMessages: Record<CancelKind, string> = {
  user: 'cancelled by user',
  deadline: 'cancelled at the run deadline',
  SIGINT: 'interrupted (SIGINT)',
  SIGTERM: 'terminated (SIGTERM)',
  quit: 'stopped by user',
  EPIPE: 'stopped: the output pipe was closed (EPIPE)',
  lease: "handed on: this worker's hold on it ran out and another worker of the fleet holds it now",
};

/** A cancel that says who stopped the source: `kind` goes into the events and the summary's stoppedBy. */
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
