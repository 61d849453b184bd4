import { createReadStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { jsonLine } from '../util/sanitize.js';
import { LineFile } from './line-file.js';

import type { RejectedRecord } from './sink.js';

export interface DeadLetters {
  write(source: string, seq: number, bad: RejectedRecord[]): Promise<void>;
  close(): Promise<void>;
}

export const DEAD_LETTER_FILE = 'dead-letter.ndjson';

/**
 * <out>/dead-letter.ndjson: one line per rejected record with its source, seq and reason.
 * 'a' appends to what rewindDeadLetters() kept; 'w' starts the file over.
 */
export function deadLetterFile(outDir: string, flags: 'w' | 'a' = 'w'): DeadLetters {
  let file: LineFile | undefined;
  return {
    async write(source, seq, bad) {
      if (bad.length === 0) return;
      if (!file) {
        await mkdir(outDir, { recursive: true });
        file = new LineFile(join(outDir, DEAD_LETTER_FILE), flags);
      }
      await file.write(`${bad.map((b) => jsonLine({ source, seq, ...b })).join('\n')}\n`);
    },
    close: async () => file?.close(),
  };
}

/**
 * The dead-letter file is shared by every source, so it cannot be cut at one length like a
 * source's own file. Instead it is rewritten keeping the lines `keep(source, seq)` wants: a
 * resumed source keeps what lies before its checkpoint, so a replayed chunk is not listed twice.
 * A torn last line (a write cut short by a kill) does not parse and goes too.
 */
export async function rewindDeadLetters(outDir: string, keep: (source: string, seq: number) => boolean): Promise<void> {
  const path = join(outDir, DEAD_LETTER_FILE);
  const temp = `${path}.tmp`;
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  const kept = new LineFile(temp);
  try {
    for await (const line of lines) {
      const entry = parse(line);
      if (entry && keep(entry.source, entry.seq)) await kept.write(`${line}\n`);
    }
    await kept.close();
    await rename(temp, path);
  } catch (err) {
    await kept.close().catch(() => {});
    await rm(temp, { force: true });
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function parse(line: string): { source: string; seq: number } | undefined {
  try {
    const entry = JSON.parse(line) as { source?: unknown; seq?: unknown };
    return typeof entry.source === 'string' && typeof entry.seq === 'number' ? { source: entry.source, seq: entry.seq } : undefined;
  } catch {
    return undefined;
  }
}

export const discardDeadLetters: DeadLetters = { write: async () => {}, close: async () => {} };
