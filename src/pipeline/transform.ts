import { pbkdf2Sync } from 'node:crypto';
import type { RejectedRecord } from '../sinks/sink.js';
import { UnreadableRecord } from '../sources/unreadable.js';

export interface Transformed {
  /** Persistable records, each one line of JSON. */
  lines: string[];
  bad: RejectedRecord[];
}

export interface TransformJob {
  source: string;
  seq: number;
  records: unknown[];
  /** CPU time to spend on the chunk, standing in for a synchronous library (see cpuCost). */
  cpuCostMs?: number;
}

export type TransformFn = (job: TransformJob) => Transformed | Promise<Transformed>;

/**
 * Parse, validate and map one chunk of records. Pure and synchronous, so it can run inline or in
 * a worker thread (--offload) unchanged. A record that fails goes to the dead-letter list with
 * the reason; the rest of the chunk goes on.
 */
export function transformRecords({ source, seq, records, cpuCostMs }: TransformJob): Transformed {
  const digest = cpuCostMs ? burnCpu(`${source}:${seq}`, cpuCostMs) : undefined;
  const lines: string[] = [];
  const bad: RejectedRecord[] = [];
  for (let index = 0; index < records.length; index++) {
    const raw = records[index];
    if (raw instanceof UnreadableRecord) {
      bad.push({ index, reason: raw.reason, excerpt: raw.excerpt });
      continue;
    }
    let value: unknown = raw;
    if (typeof raw === 'string') {
      try {
        value = JSON.parse(raw);
      } catch (err) {
        bad.push({ index, reason: `invalid JSON: ${(err as Error).message.split('\n')[0]}`, excerpt: raw.slice(0, 200) });
        continue;
      }
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      const got = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
      bad.push({ index, reason: `not a JSON object (got ${got})`, excerpt: String(typeof raw === 'string' ? raw : JSON.stringify(raw)).slice(0, 200) });
      continue;
    }
    const record = value as Record<string, unknown>;
    record._ingest = { source, seq, index };
    if (digest) record._digest = digest;
    lines.push(JSON.stringify(record));
  }
  return { lines, bad };
}

/**
 * Key stretching, the kind of synchronous library call the lecture warns about: while it runs,
 * nothing else on this thread does. Runs rounds until `ms` of CPU time is spent.
 */
function burnCpu(input: string, ms: number): string {
  const until = performance.now() + ms;
  let key = Buffer.from(input);
  do key = pbkdf2Sync(key, 'ingest-tui', 2_000, 32, 'sha256');
  while (performance.now() < until);
  return key.toString('hex').slice(0, 16);
}
