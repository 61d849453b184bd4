// Baseline: one async generator streaming CHUNKS chunks of 512 records (~1 KB each), every record
// parsed, tagged, re-serialised and appended to a file with backpressure. Memory should stay flat.
// Usage: node streaming.mjs CHUNKS OUT.ndjson
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

const [chunks, output] = [Number(process.argv[2]), process.argv[3]];
const payload = 'x'.repeat(1000);

async function* firehose() {
  for (let seq = 0; seq < chunks; seq++) {
    await new Promise((resolve) => setImmediate(resolve));
    const records = [];
    for (let index = 0; index < 512; index++) records.push(JSON.stringify({ source: 'firehose', seq, index, value: Math.round(Math.random() * 1e6), payload }));
    yield { seq, records };
  }
}

const out = createWriteStream(output);
const started = performance.now();
let bytes = 0;
for await (const chunk of firehose()) {
  let text = '';
  for (let index = 0; index < chunk.records.length; index++) {
    bytes += chunk.records[index].length + 1;
    const record = JSON.parse(chunk.records[index]);
    record._ingest = { source: 'firehose', seq: chunk.seq, index };
    text += `${JSON.stringify(record)}\n`;
  }
  if (!out.write(text)) await once(out, 'drain');
}
out.end();
await once(out, 'finish');
console.log(JSON.stringify({ wallMs: performance.now() - started, bytes }));
