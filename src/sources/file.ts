import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { LIMITS } from '../util/limits.js';
import { openInput } from './file-input.js';
import { DEFAULT_MAX_RECORD_BYTES, type LineOptions, lineChunks, recordSize } from './lines.js';
import { commonFields, defineKind, type SourceContext } from './source.js';

export const fileSchema = z.strictObject({
  ...commonFields,
  kind: z.literal('file'),
  path: z.string().min(1, 'must not be empty'),
  chunkRecords: z.int().min(1).max(LIMITS.chunkRecords).default(500),
  maxRecordBytes: recordSize.default(DEFAULT_MAX_RECORD_BYTES),
});

/**
 * Streams an NDJSON file `chunkRecords` lines at a time. Memory stays flat whatever the file
 * holds: one read buffer, one chunk of lines, and no line longer than maxRecordBytes (a longer
 * one, or one that is not UTF-8, goes to the dead letters). The cursor is a byte offset, so a
 * resumed run starts exactly after the last persisted line.
 */
async function* readFile(path: string, options: LineOptions, { signal, resumeFrom }: SourceContext) {
  let offset = Number(resumeFrom?.offset ?? 0);
  let seq = resumeFrom?.seq ?? 0;
  const input = await openInput(path, offset, signal); // a regular file or a FIFO
  for await (const { records, bytes } of lineChunks(input, options)) {
    offset += bytes;
    yield { seq, records, bytes, cursor: { seq: seq + 1, offset } };
    seq += 1;
  }
}

function sizeOf(file: string): number | undefined {
  try {
    const info = statSync(file);
    return info.isFile() ? info.size : undefined; // a FIFO has no size to show progress against
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
    read: (ctx) => readFile(path, cfg, ctx),
  };
});
