/**
 * Records/s of an HTTP NDJSON source on loopback next to the same bytes read by the file source.
 *   node --import tsx bench/http-vs-file.ts [sizeMB=100]
 * Servers run in their own processes, so the client's event loop only does the client's work:
 * `http-static` is the file itself piped by a bare node:http server (the client's cost alone),
 * `http-serve` is the offline server generating the same lines (as fixtures/http use it).
 * Each case runs twice; the second run counts.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventBus } from '../src/pipeline/events.js';
import { startPipeline } from '../src/pipeline/run.js';
import { startServeProcess } from '../src/serve/child.js';
import { orders } from '../src/serve/records.js';
import { discardDeadLetters } from '../src/sinks/dead-letter.js';
import { noneSink } from '../src/sinks/sink.js';
import { createSource, sourceKinds } from '../src/sources/registry.js';
import type { Source } from '../src/sources/source.js';

const sizeMb = Number(process.argv[2] ?? 100);
const dir = await mkdtemp(join(tmpdir(), 'ingest-bench-'));
const file = join(dir, 'orders.ndjson');

async function writeFixture() {
  const out = createWriteStream(file);
  let batch = '';
  for (const line of orders(0, sizeMb * 1e6)) {
    batch += `${line}\n`;
    if (batch.length > 1 << 20) {
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  await new Promise<void>((resolve, reject) => out.end(batch, () => resolve()).once('error', reject));
}

function make(fields: Record<string, unknown>, serveUrl?: string): Source {
  const kind = sourceKinds.get(fields.kind as string)!;
  return createSource(kind.schema.parse({ name: 'bench', chunkRecords: 500, ...fields }), { baseDir: dir, seed: 1, slowmo: 1, serveUrl });
}

/** The source alone: pull every chunk, count records. */
async function sourceOnly(source: Source) {
  const t0 = performance.now();
  let records = 0;
  let bytes = 0;
  for await (const chunk of source.read({ signal: new AbortController().signal, note: () => {} })) {
    records += chunk.records.length;
    bytes += chunk.bytes;
  }
  return { records, bytes, ms: performance.now() - t0 };
}

/** The whole pipeline (parse + validate + map every record), sink none. */
async function pipeline(source: Source) {
  const t0 = performance.now();
  const summary = await startPipeline([source], { concurrency: 1, sink: noneSink(), deadLetters: discardDeadLetters }, createEventBus().emit).done;
  if (summary.sources[0]!.state !== 'done') throw new Error(`bench source ended ${summary.sources[0]!.state}: ${summary.sources[0]!.error}`);
  return { records: summary.records, bytes: summary.bytes, ms: performance.now() - t0 };
}

const fmt = (r: { records: number; bytes: number; ms: number }) =>
  `${Math.round(r.records / (r.ms / 1000))
    .toLocaleString('en-US')
    .padStart(
      11,
    )} records/s  ${(r.bytes / 1e6 / (r.ms / 1000)).toFixed(0).padStart(4)} MB/s  (${r.records.toLocaleString('en-US')} records in ${(r.ms / 1000).toFixed(2)}s)`;

/** A bare static server for the file, in its own process; resolves with its URL. */
async function staticServer() {
  const code = `const http = require('node:http'), fs = require('node:fs');
    const server = http.createServer((req, res) => fs.createReadStream(process.argv[1]).pipe(res));
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ['-e', code, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [port] = await once(child.stdout!, 'data');
  return { url: `http://127.0.0.1:${String(port).trim()}/orders.ndjson`, [Symbol.dispose]: () => child.kill() };
}

await writeFixture();
await using server = await startServeProcess(0);
using plain = await staticServer();
const cases = {
  file: () => make({ kind: 'file', path: file }),
  'http-static': () => make({ kind: 'http', url: plain.url }),
  'http-serve': () => make({ kind: 'http', url: `/orders.ndjson?size=${sizeMb}mb` }, server.url),
};
console.log(`${sizeMb} MB of NDJSON orders, chunkRecords 500, Node ${process.version}`);
try {
  for (const [label, measure] of [
    ['source only', sourceOnly],
    ['pipeline  ', pipeline],
  ] as const) {
    for (const [name, create] of Object.entries(cases)) {
      await measure(create()); // warm-up
      console.log(`${label}  ${name.padEnd(11)} ${fmt(await measure(create()))}`);
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
