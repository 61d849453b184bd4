import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchContext } from './types.js';

const kinds = ['click', 'view', 'purchase', 'signup', 'refund'];

/** A ~200-byte event record, the shape the throughput figures were measured with. */
function record(i: number): string {
  return JSON.stringify({
    id: i,
    ts: new Date(1_767_225_600_000 + i * 37).toISOString(),
    user: `user-${(i * 7919) % 100_000}`,
    kind: kinds[i % kinds.length],
    amount: Math.round(((i * 2654435761) % 100_000) / 10) / 100,
    tags: ['web', i % 3 === 0 ? 'mobile' : 'desktop'],
    note: `generated record ${i} for the ingest-tui benchmark, padded to about two hundred bytes`,
  });
}

/** An NDJSON file of at least `bytes`, generated once per size and reused by every case. */
export async function ndjsonFile(ctx: BenchContext, bytes: number): Promise<{ path: string; bytes: number; records: number }> {
  const path = join(ctx.tmpDir, `events-${Math.round(bytes / 1e6)}MB.ndjson`);
  const known = await stat(path).catch(() => undefined);
  const meta = `${path}.records`;
  if (known) return { path, bytes: known.size, records: Number(await readFile(meta, 'utf8')) };
  ctx.log(`generating ${Math.round(bytes / 1e6)} MB of NDJSON`);
  const out = createWriteStream(path);
  let written = 0;
  let records = 0;
  while (written < bytes) {
    let batch = '';
    for (let i = 0; i < 1000; i++) batch += `${record(records++)}\n`;
    written += Buffer.byteLength(batch);
    if (!out.write(batch)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  await writeFile(meta, String(records));
  return { path, bytes: written, records };
}

/** A sources file in the temp dir; returns its path. */
export async function sourcesFile(ctx: BenchContext, name: string, sources: object | object[]): Promise<string> {
  const path = join(ctx.tmpDir, `${name}.json`);
  await writeFile(path, JSON.stringify(sources));
  return path;
}
