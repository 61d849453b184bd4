import { mkdir } from 'node:fs/promises';
import type { Chunk } from '../sources/source.js';
import { outputPath } from './file-names.js';
import { LineFile } from './line-file.js';
import type { Sink } from './sink.js';

/** One <source>.ndjson file per source under the output directory. */
export function ndjsonSink(outDir: string): Sink {
  const files = new Map<string, LineFile>();

  const fileFor = (source: string) => {
    let file = files.get(source);
    if (!file) {
      file = new LineFile(outputPath(outDir, source, '.ndjson'));
      files.set(source, file);
    }
    return file;
  };

  const end = async (source: string) => {
    const file = files.get(source);
    files.delete(source);
    await file?.close();
  };

  return {
    kind: 'ndjson',
    open: async () => void (await mkdir(outDir, { recursive: true })),
    write: (source: string, chunk: Chunk) => fileFor(source).write(`${chunk.records.join('\n')}\n`),
    endSource: end,
    flush: async () => {},
    close: async () => {
      const results = await Promise.allSettled([...files.keys()].map(end));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
