import { mkdir, rm, stat, truncate } from 'node:fs/promises';
import { IngestError } from '../errors.js';
import { outputPath } from './file-names.js';
import { LineFile } from './line-file.js';
import type { RewindTo, Sink, SinkChunk } from './sink.js';

/**
 * One <source>.ndjson file per source under the output directory. It knows each file's length
 * after every write, which is what a checkpoint records: a resumed run cuts the file back to
 * that length (dropping a torn or unconfirmed tail) and appends from there.
 */
export function ndjsonSink(outDir: string): Sink {
  const files = new Map<string, LineFile>();
  /** Bytes of each source's file known to be good: set by rewind(), grown by every write. */
  const lengths = new Map<string, number>();
  const torn = new Set<string>();
  let opened = false;

  const fileFor = (source: string) => {
    let file = files.get(source);
    if (!file) {
      // After a rewind the file holds exactly lengths[source] good bytes: append to them. Without
      // one, a file already there is not ours to truncate: 'wx' fails with EEXIST instead.
      file = new LineFile(outputPath(outDir, source, '.ndjson'), lengths.has(source) ? 'a' : 'wx');
      if (!lengths.has(source)) lengths.set(source, 0);
      files.set(source, file);
    }
    return file;
  };

  const write = async (source: string, chunk: SinkChunk) => {
    if (chunk.lines.length === 0) return;
    // Encoded once: the stream would encode the string again, and Buffer.byteLength scan it again.
    const bytes = Buffer.from(`${chunk.lines.join('\n')}\n`);
    const file = fileFor(source);
    try {
      await file.write(bytes);
    } catch (err) {
      torn.add(source);
      throw err;
    }
    lengths.set(source, lengths.get(source)! + bytes.length);
  };

  const end = async (source: string) => {
    const file = files.get(source);
    files.delete(source);
    try {
      await file?.close();
    } finally {
      // A failed write (disk full) may have left part of a line: cut back to the last whole chunk.
      // Not when the file could not even be opened: then it is not ours.
      if (torn.delete(source) && file?.opened) await truncate(outputPath(outDir, source, '.ndjson'), lengths.get(source)).catch(() => {});
    }
  };

  const rewindOne = async ({ source, checkpoint }: RewindTo) => {
    const path = outputPath(outDir, source, '.ndjson');
    const keep = checkpoint ? checkpoint.position?.bytes : 0;
    if (keep === undefined) throw new IngestError('E_CHECKPOINT', `checkpoint of ${source} has no byte position for ${path}`);
    if (keep === 0) {
      await rm(path, { force: true });
    } else {
      const size = await stat(path).then(
        (s) => s.size,
        () => -1,
      );
      if (size < keep) {
        const found = size < 0 ? 'missing' : `${size} bytes`;
        throw new IngestError('E_CHECKPOINT', `${path}: ${found}, but its checkpoint says ${keep} bytes were persisted (the file changed after that run)`);
      }
      if (size > keep) await truncate(path, keep);
    }
    lengths.set(source, keep);
  };

  return {
    kind: 'ndjson',
    async open() {
      if (!opened) await mkdir(outDir, { recursive: true });
      opened = true;
    },
    write,
    endSource: end,
    flush: async () => {},
    files: (source) => [outputPath(outDir, source, '.ndjson')],
    close: async () => {
      const results = await Promise.allSettled([...files.keys()].map(end));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
    position: (source) => {
      const bytes = lengths.get(source);
      return bytes === undefined ? undefined : { bytes };
    },
    async rewind(to) {
      await Promise.all(to.map(rewindOne));
    },
  };
}
