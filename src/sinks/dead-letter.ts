import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LineFile } from './line-file.js';

/** A rejected record: its index in the chunk, why, and the start of its text. */
export interface RejectedRecord {
  index: number;
  reason: string;
  excerpt: string;
}

export interface DeadLetters {
  write(source: string, seq: number, bad: RejectedRecord[]): Promise<void>;
  close(): Promise<void>;
}

/** <out>/dead-letter.ndjson: one line per rejected record with its source, seq and reason. */
export function deadLetterFile(outDir: string): DeadLetters {
  let file: LineFile | undefined;
  return {
    async write(source, seq, bad) {
      if (bad.length === 0) return;
      if (!file) {
        await mkdir(outDir, { recursive: true });
        file = new LineFile(join(outDir, 'dead-letter.ndjson'));
      }
      await file.write(bad.map((b) => JSON.stringify({ source, seq, ...b })).join('\n') + '\n');
    },
    close: async () => file?.close(),
  };
}

export const discardDeadLetters: DeadLetters = { write: async () => {}, close: async () => {} };
