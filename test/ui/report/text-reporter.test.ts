import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { createStore } from '../../../src/ui/model/store.js';
import { attachTextReporter } from '../../../src/ui/report/text-reporter.js';
import { RAW_CONTROL } from '../../helpers/controls.js';
import { Probe, run, testSource } from '../../helpers/sources.js';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8').on('data', (d: string) => (text += d));
  return { stream, text: () => text };
}

describe('text reporter', () => {
  it('prints state changes on stderr and the summary table on stdout, with untrusted text made safe', async () => {
    const err = capture();
    const out = capture();
    const probe = new Probe();
    const store = createStore();
    const { pipeline, bus } = run([testSource('ok', probe), testSource('bad\u001b]0;pwned\u0007\nname', probe, { failAt: 0 })]);
    bus.subscribe(store.apply);
    attachTextReporter(bus, store, { err: err.stream, out: out.stream, progressEveryMs: 10 });
    await pipeline.done;
    assert.match(err.text(), /✔ ok done · 3 chunks · 6 records/);
    assert.match(err.text(), /✖ bad.*name failed · .* boom at 0/);
    assert.doesNotMatch(err.text() + out.text(), RAW_CONTROL);
    assert.match(out.text(), /^source\s+state\s+chunks\s+records/);
    assert.match(out.text(), /states\s+1 done · 1 failed · 0 timed out · 0 cancelled/);
    assert.match(out.text(), /records\s+6 read = 6 persisted \+ 0 dead-lettered \+ 0 dropped/);
  });

  it('with many sources only failures get a line each', async () => {
    const err = capture();
    const probe = new Probe();
    const store = createStore();
    const sources = Array.from({ length: 150 }, (_, i) => testSource(`s${i}`, probe, { chunks: 1, failAt: i === 7 ? 0 : undefined }));
    const { pipeline, bus } = run(sources, { concurrency: 50 });
    bus.subscribe(store.apply);
    attachTextReporter(bus, store, { err: err.stream, out: capture().stream });
    await pipeline.done;
    const lines = err.text().trim().split('\n');
    assert.ok(lines.length < 10, `${lines.length} lines`);
    assert.ok(lines.some((l) => /s7 failed/.test(l)));
  });
});
