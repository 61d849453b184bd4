import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { httpSource, startTestServer } from '../helpers/http.js';
import { endOf, run } from '../helpers/sources.js';

// A real collection before each sample, so what is measured is live memory, not garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** JS heap plus Buffers (which live outside it). */
const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

describe('http source: memory', () => {
  it('streams a 10 MB NDJSON body at bounded memory', async (t) => {
    const server = await startTestServer(t);
    // A small body first: got loads when the first http source runs, and its code is not the body.
    await run([httpSource({ url: '/orders.ndjson?records=10' }, server.url)]).pipeline.done;
    gc();
    const baseline = used();
    let peak = 0;
    let chunks = 0;
    const { pipeline, events, bus } = run([httpSource({ url: '/orders.ndjson?size=10mb', chunkRecords: 500 }, server.url)]);
    bus.subscribe((e) => {
      if (e.type !== 'chunk' || ++chunks % 10 !== 0) return;
      gc();
      peak = Math.max(peak, used() - baseline);
    });
    await pipeline.done;
    const end = endOf(events, 'api');
    assert.equal(end.state, 'done');
    assert.ok(end.bytes >= 10e6, `the whole body arrived (${end.bytes} bytes)`);
    assert.ok(chunks >= 200, `${chunks} chunks`);
    // Holding the body would take more than 10 MB, as Buffers or as strings.
    assert.ok(peak < 6e6, `live memory grew by ${(peak / 1e6).toFixed(2)} MB while 10 MB streamed through`);
  });
});
