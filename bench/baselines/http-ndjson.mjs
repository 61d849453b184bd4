// Baseline: got alone streaming an NDJSON body from loopback, then the same hand-written line
// handling as the file baseline (parse, add a field, re-serialise, append to a file).
// Usage: node http-ndjson.mjs URL OUT.ndjson
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import got from 'got';

const [url, output] = process.argv.slice(2);
let carry = '';
let records = 0;
const tag = (line) => {
  const record = JSON.parse(line);
  record._ingest = { source: 'api', index: records++ };
  return `${JSON.stringify(record)}\n`;
};

const lines = new Transform({
  transform(block, _encoding, done) {
    const parts = (carry + block.toString('utf8')).split('\n');
    carry = parts.pop();
    let out = '';
    for (const line of parts) if (line) out += tag(line);
    done(null, out);
  },
  flush(done) {
    done(null, carry ? tag(carry) : '');
  },
});

const started = performance.now();
await pipeline(got.stream(url), lines, createWriteStream(output));
console.log(JSON.stringify({ wallMs: performance.now() - started, records }));
