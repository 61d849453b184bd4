import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyControl, type ControlRequest, type DashboardControls, localControls } from '../../../src/ui/dashboard/controls.js';
import { oneInFlight } from '../../../src/ui/dashboard/one-in-flight.js';
import { answerText } from '../../../src/ui/hooks/use-dashboard-keys.js';
import { RAW_CONTROL } from '../../helpers/controls.js';
import { recordingControls } from '../../helpers/dashboard.js';

const requests: ControlRequest[] = [
  { op: 'cancel', source: 'orders' },
  { op: 'setConcurrency', concurrency: 5 },
  { op: 'setPaused', paused: true },
  { op: 'step' },
  { op: 'stop', kind: 'quit' },
];

/** What each request comes to, as the footer says it ('' where it says nothing). */
function said(controls: DashboardControls | undefined) {
  return requests.map((request) => answerText(applyControl(controls, request)) ?? '');
}

describe('controls (requests and their answers)', () => {
  it('a run does what it is asked and says so; a replay, no run yet and a scene that is over each say why not', () => {
    const run = recordingControls();
    assert.deepEqual(said(run), ['cancelled orders', 'concurrency now 5', '', '', '']);
    assert.deepEqual(run.calls, ['cancel orders', 'concurrency 5', 'paused true', 'step', 'stop quit']);
    assert.deepEqual(said({ ...recordingControls(), cancel: () => false }).slice(0, 1), ['orders is not running: only running sources can be cancelled']);
    const replay = recordingControls();
    assert.deepEqual(said({ stop: replay.stop, setPaused: replay.setPaused, step: replay.step }), [
      'nothing to cancel in a replay',
      'the concurrency of a replay is what was recorded',
      '',
      '',
      '',
    ]);
    assert.deepEqual(said(undefined), Array(4).fill('the run has not started yet').concat(''));
    const over = recordingControls();
    assert.deepEqual(said({ stop: over.stop, over: true }), Array(4).fill('the run is over: q leaves').concat(''));
    assert.deepEqual(over.calls, ['stop quit'], 'q still leaves the final picture');
  });

  it('the answer carries its request, so the footer can name the source', () => {
    const answer = applyControl({ ...recordingControls(), cancel: () => false }, { op: 'cancel', source: 'a\u001b[2Jb' });
    assert.deepEqual(answer, { op: 'cancel', source: 'a\u001b[2Jb', outcome: 'not-running' });
    assert.doesNotMatch(answerText(answer)!, RAW_CONTROL, 'a name with escapes is shown safely');
  });

  it('in one thread, a request is done and answered after the key is handled, never during it', async () => {
    const run = recordingControls();
    const channel = localControls(() => run);
    const log: string[] = [];
    channel.onAnswer((answer) => void log.push(`answer ${answer.op} ${answer.outcome}`));
    channel.send({ op: 'setConcurrency', concurrency: 2 });
    log.push('key handled');
    assert.deepEqual(run.calls, []);
    await Promise.resolve();
    assert.deepEqual(log, ['key handled', 'answer setConcurrency done']);
    assert.deepEqual(run.calls, ['concurrency 2']);
  });
});

describe('one in flight (snapshots to the worker)', () => {
  it('sends at once while nothing is on its way; offers made meanwhile go as one, once it has arrived', () => {
    let sent = 0;
    const gate = oneInFlight(() => {
      sent += 1;
    });
    gate.offer();
    assert.equal(sent, 1);
    gate.offer();
    gate.offer();
    assert.equal(sent, 1, 'one on its way: the others wait');
    gate.arrived();
    assert.equal(sent, 2, 'the waiting offers went as one');
    gate.arrived();
    assert.equal(sent, 2, 'nothing was waiting');
    gate.offer();
    assert.equal(sent, 3, 'nothing on its way: at once');
  });
});
