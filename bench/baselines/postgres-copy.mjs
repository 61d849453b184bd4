// The PostgreSQL sink's baseline: the same NDJSON file streamed through one bare COPY into the same
// table shape as the sink's (tables v2: run, source, seq, idx, record jsonb, ingested_at, keyed on
// the first four), in one transaction. No transform, no checkpoint, no group commit: what the
// database can take in, from Node.
// Usage: node postgres-copy.mjs FILE DATABASE_URL CHUNK_RECORDS
import { createReadStream } from 'node:fs';
import { userInfo } from 'node:os';
import { finished } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const [file, url, chunkRecords = '500'] = process.argv.slice(2);
pg.defaults.user ||= userInfo().username;
if (!process.env.PGHOST) pg.defaults.host = '/var/run/postgresql';
const client = new pg.Client({ connectionString: url });
await client.connect();
await client.query(`CREATE TABLE IF NOT EXISTS ingest_records (run text NOT NULL, source text NOT NULL, seq integer NOT NULL, idx integer NOT NULL,
  record jsonb NOT NULL, ingested_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (run, source, seq, idx))`);
await client.query('BEGIN');
const copy = client.query(copyFrom('COPY ingest_records (run, source, seq, idx, record) FROM STDIN'));
const per = Number(chunkRecords);
let n = 0;
let carry = '';
let out = '';
for await (const block of createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 })) {
  const lines = (carry + block).split('\n');
  carry = lines.pop();
  for (const line of lines) {
    if (!line) continue;
    out += `default\tevents\t${Math.floor(n / per)}\t${n % per}\t${line.replace(/\\/g, '\\\\')}\n`;
    n++;
  }
  if (!copy.write(out)) await new Promise((resolve) => copy.once('drain', resolve));
  out = '';
}
copy.end(carry ? `default\tevents\t${Math.floor(n / per)}\t${n % per}\t${carry.replace(/\\/g, '\\\\')}\n` : '');
await finished(copy);
await client.query('COMMIT');
await client.end();
console.log(JSON.stringify({ records: n }));
