import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { LIMITS } from '../util/limits.js';
import { commonFields, defineKind, type SourceContext } from './source.js';

export const fileSchema = z.strictObject({
  ...commonFields,
  kind: z.literal('file'),
  path: z.string().min(1, 'must not be empty'),
  chunkRecords: z.int().min(1).max(LIMITS.chunkRecords).default(500),
});

const NEWLINE = 0x0a;

/**
 * Streams an NDJSON file `chunkRecords` lines at a time. Memory stays flat whatever the file's
 * size: only one read buffer and one chunk of lines are alive at once. The cursor is a byte
 * offset, so a resumed run starts exactly after the last persisted line.
 */
async function* readFile(file: string, chunkRecords: number, { signal, resumeFrom }: SourceContext) {
  let offset = Number(resumeFrom?.offset ?? 0);
  let seq = resumeFrom?.seq ?? 0;
  let lines: string[] = [];
  let bytes = 0;
  let carry: Buffer | undefined;

  const chunk = () => {
    offset += bytes;
    const done = { seq, records: lines, bytes, cursor: { seq: seq + 1, offset } };
    seq += 1;
    lines = [];
    bytes = 0;
    return done;
  };

  for await (const block of createReadStream(file, { start: offset, signal, highWaterMark: 256 * 1024 })) {
    const data: Buffer = carry ? Buffer.concat([carry, block]) : block;
    let start = 0;
    for (let end = data.indexOf(NEWLINE); end !== -1; end = data.indexOf(NEWLINE, start)) {
      const line = data.toString('utf8', start, end).trim();
      bytes += end + 1 - start;
      start = end + 1;
      if (line) lines.push(line);
      if (lines.length === chunkRecords) yield chunk();
    }
    carry = start < data.length ? data.subarray(start) : undefined;
  }
  if (carry) {
    const line = carry.toString('utf8').trim();
    bytes += carry.length;
    if (line) lines.push(line);
  }
  if (lines.length > 0 || bytes > 0) yield chunk();
}

function sizeOf(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined; // reported when the source runs and cannot open it
  }
}

export const file = defineKind('file', fileSchema, (cfg, env) => {
  const path = resolve(env.baseDir, cfg.path);
  const size = sizeOf(path);
  return {
    name: cfg.name,
    kind: 'file',
    expected: size === undefined ? undefined : { bytes: size },
    reads: { path },
    read: (ctx) => readFile(path, cfg.chunkRecords, ctx),
  };
});
