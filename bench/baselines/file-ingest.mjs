// Baseline: a hand-written Node stream pipeline. Read NDJSON, parse each line, add a field,
// re-serialise, append to a file. Lines are handled a read-buffer at a time (one write per
// buffer), the way a careful engineer would write it without a framework.
// Usage: node file-ingest.mjs IN.ndjson OUT.ndjson
import { createReadStream, createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const [input, output] = process.argv.slice(2);
let carry = '';
let records = 0;

const transform = new Transform({
  decodeStrings: false,
  transform(text, _encoding, done) {
    const lines = (carry + text).split('\n');
    carry = lines.pop();
    let out = '';
    for (const line of lines) {
      if (!line) continue;
      const record = JSON.parse(line);
      record._ingest = { source: 'events', index: records++ };
      out += `${JSON.stringify(record)}\n`;
    }
    done(null, out);
  },
  flush(done) {
    if (!carry) return done();
    const record = JSON.parse(carry);
    record._ingest = { source: 'events', index: records++ };
    done(null, `${JSON.stringify(record)}\n`);
  },
});

const started = performance.now();
await pipeline(createReadStream(input, { encoding: 'utf8', highWaterMark: 256 * 1024 }), transform, createWriteStream(output));
console.log(JSON.stringify({ wallMs: performance.now() - started, records }));
