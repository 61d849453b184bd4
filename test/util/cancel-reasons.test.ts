import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CancelReason, timeoutReason } from '../../src/util/cancel-reasons.js';

describe('cancel reasons', () => {
  it("a timeout is a TimeoutError (as AbortSignal.timeout()'s reason), a cancel an AbortError (as a bare abort()'s)", () => {
    const bare = new AbortController();
    bare.abort();
    assert.ok(bare.signal.reason instanceof DOMException);
    assert.deepEqual(
      [timeoutReason(1200), new CancelReason('deadline')].map((r) => [r instanceof DOMException, r.name]),
      [
        [true, 'TimeoutError'],
        [true, bare.signal.reason.name],
      ],
    );
  });

  it('a timeout says how long, in the unit a person reads; a cancel keeps its kind for the events', () => {
    assert.equal(timeoutReason(250).message, 'timed out after 250ms');
    assert.equal(timeoutReason(1200).message, 'timed out after 1.2s');
    const reason = new CancelReason('SIGTERM');
    assert.equal(reason.kind, 'SIGTERM');
    assert.equal(reason.message, 'terminated (SIGTERM)');
  });
});
