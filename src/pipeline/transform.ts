/**
 * Parse, validate and map one chunk of records. Pure and synchronous, so it can run inline or in
 * a worker thread (--offload) unchanged. A record that fails goes to the dead-letter list with
 * the reason; the rest of the chunk goes on.
 */
export interface BadRecord {
  index: number;
  reason: string;
  excerpt: string;
}

export interface Transformed {
  /** Persistable records, each one line of JSON. */
  lines: string[];
  bad: BadRecord[];
}

export type TransformFn = (source: string, seq: number, records: unknown[]) => Transformed | Promise<Transformed>;

export function transformRecords(source: string, seq: number, records: unknown[]): Transformed {
  const lines: string[] = [];
  const bad: BadRecord[] = [];
  for (let index = 0; index < records.length; index++) {
    const raw = records[index];
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
    (value as Record<string, unknown>)._ingest = { source, seq, index };
    lines.push(JSON.stringify(value));
  }
  return { lines, bad };
}
