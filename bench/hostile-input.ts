/**
 * Hostile input at bounded memory and in linear time: wall time, peak RSS (the kernel's) and the
 * worst event-loop lag of each case.
 *   npm run build && node --import tsx bench/hostile-input.ts [--quick] [--cli path/to/cli.js]
 *
 * line-50mb        the built CLI, a file source holding one 50 MB line and no newline (the
 *                  default maxRecordBytes, 16 MB: the line is dead-lettered as it streams)
 * line-50mb-kept   the same line with "maxRecordBytes": "64mb": joined once, parsed, persisted
 * stream-10gb      10 GB generated in 64 KB blocks with no newline, through lineChunks (the splitter
 *                  of the file and http sources); 1 GB with --quick
 * lines-1gb        1 GB of 200-byte lines through lineChunks: the same splitter on ordinary data
 *
 * Each case runs in a process of its own, so its peak RSS is its own. The generated blocks come
 * from a 16 MB ring, so they are not all in the CPU's cache. `--cli` runs the first two cases
 * with another build (an older one, to compare).
 */
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { lineChunks } from '../src/sources/lines.js';
import { measure } from './lib/measure.js';

const MiB = 2 ** 20;
const self = fileURLToPath(import.meta.url);

/** Child: `total` bytes in 64 KB blocks (one block per turn of the event loop, like a socket) through lineChunks. */
async function splitGenerated(total: number, lineBytes: number) {
  const block = lineBytes > 0 ? Buffer.from(`${'x'.repeat(lineBytes - 1)}\n`.repeat(Math.floor(65_536 / lineBytes))) : Buffer.alloc(65_536, 'a');
  const ring = Array.from({ length: 256 }, () => Buffer.from(block));
  let sent = 0;
  const input = new Readable({
    read() {
      setImmediate(() => {
        if (sent >= total) return void this.push(null);
        this.push(ring[(sent / block.length) % ring.length]);
        sent += block.length;
      });
    },
  });
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const started = performance.now();
  let records = 0;
  for await (const chunk of lineChunks(input, { chunkRecords: 500, maxRecordBytes: 16e6 })) records += chunk.records.length;
  const ms = performance.now() - started;
  lag.disable();
  process.stdout.write(`${JSON.stringify({ ms, records, bytes: sent, maxLagMs: lag.max / 1e6 })}\n`);
}

async function oneLineFile(dir: string, bytes: number): Promise<string> {
  const path = join(dir, 'line.ndjson');
  const file = await open(path, 'w');
  await file.write('{"blob":"');
  const block = Buffer.alloc(MiB, 'a');
  for (let written = 0; written < bytes; written += block.length) await file.write(block);
  await file.write('"}');
  await file.close();
  return path;
}

interface Result {
  case: string;
  wallMs: number;
  peakRssMiB: number;
  maxLagMs?: number;
  note: string;
}

async function main() {
  const quick = process.argv.includes('--quick');
  const dir = await mkdtemp(join(tmpdir(), 'ingest-hostile-'));
  const at = process.argv.indexOf('--cli');
  const cli = at > 0 ? process.argv[at + 1]! : fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  const results: Result[] = [];
  try {
    const path = await oneLineFile(dir, 50 * MiB);
    for (const [name, extra] of [
      ['line-50mb', {}],
      ['line-50mb-kept', { maxRecordBytes: '64mb' }],
    ] as const) {
      const sources = join(dir, `${name}.json`);
      await writeFile(sources, JSON.stringify({ name: 'big', kind: 'file', path, ...extra }));
      const r = await measure(cli, ['--sources', sources, '--json', '--out', join(dir, `out-${name}`)], {
        node: true,
        tmpDir: dir,
        keep: (l) => l.startsWith('{"type":"summary"'),
      });
      const summary = JSON.parse(r.lines.at(-1) ?? '{}') as { maxLoopLagMs?: number; persisted?: number; deadLettered?: number };
      results.push({
        case: name,
        wallMs: r.wallMs,
        peakRssMiB: r.peakRssBytes! / MiB,
        maxLagMs: summary.maxLoopLagMs,
        note: `exit ${r.code}, persisted ${summary.persisted}, dead-lettered ${summary.deadLettered}`,
      });
    }
    for (const [name, total, lineBytes] of [
      [quick ? 'stream-1gb' : 'stream-10gb', quick ? 1e9 : 10e9, 0],
      ['lines-1gb', 1e9, 200],
    ] as const) {
      const r = await measure(self, ['--child', String(total), String(lineBytes)], {
        node: true,
        nodeFlags: ['--import', 'tsx'],
        tmpDir: dir,
        timeoutMs: 600_000,
      });
      const child = JSON.parse(r.lines.at(-1) ?? '{}') as { ms: number; records: number; bytes: number; maxLagMs: number };
      results.push({
        case: name,
        wallMs: r.wallMs,
        peakRssMiB: r.peakRssBytes! / MiB,
        maxLagMs: child.maxLagMs,
        note: `${(child.bytes / 1e6 / (child.ms / 1000)).toFixed(0)} MB/s, ${child.records} records`,
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  console.log('| case | wall | peak RSS | max loop lag | |\n|---|---:|---:|---:|---|');
  for (const r of results)
    console.log(`| ${r.case} | ${(r.wallMs / 1000).toFixed(2)} s | ${r.peakRssMiB.toFixed(0)} MiB | ${r.maxLagMs?.toFixed(1) ?? '?'} ms | ${r.note} |`);
}

if (process.argv[2] === '--child') await splitGenerated(Number(process.argv[3]), Number(process.argv[4]));
else await main();
