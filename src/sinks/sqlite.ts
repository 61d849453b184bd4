import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { IngestError } from '../errors.js';
import { entryPoint } from '../util/package-paths.js';
import { startWorker } from '../util/worker.js';
import type { Sink, SinkChunk } from './sink.js';
import type { ChunkRows, Reply, Request } from './sqlite-worker.js';

export const SQLITE_FILE = 'ingest.sqlite';
/** Files SQLite keeps beside the database while it is open (or after a crash). */
export const SQLITE_SIDECARS = ['-wal', '-shm', '-journal'];

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * <out>/ingest.sqlite, table `records(source, seq, idx, record)` keyed by (source, seq, idx),
 * idx being the record's position among its chunk's persisted records. Inserts are INSERT OR
 * IGNORE, so a chunk replayed after a crash adds nothing twice; the WAL journal leaves the
 * database consistent after a kill -9 at any moment.
 *
 * A worker thread owns the connection (see sqlite-worker.ts), so the event loop never waits for
 * SQLite. Group commit: while one transaction is being written, chunks from every source queue
 * up and go together in the next. A write() resolves only once its transaction is committed;
 * only then does the pipeline move the source's checkpoint.
 */
export function sqliteSink(outDir: string): Sink {
  let worker: Worker | undefined;
  let opening: Promise<void> | undefined;
  let broken: Error | undefined;
  let nextId = 1;
  const replies = new Map<number, Waiter>();
  let queued: { chunks: ChunkRows[]; waiters: Waiter[] } = { chunks: [], waiters: [] };
  let writing = false;
  let scheduled = false;
  const idle: Array<() => void> = [];

  function send(request: Request): Promise<void> {
    if (broken) return Promise.reject(broken);
    return new Promise((resolve, reject) => {
      replies.set(request.id, { resolve, reject });
      worker!.ref(); // a pending reply keeps the process alive; none does not
      worker!.postMessage(request);
    });
  }

  function onReply({ id, error }: Reply) {
    const waiter = replies.get(id);
    replies.delete(id);
    if (replies.size === 0) worker?.unref();
    // E_USAGE: no SQLite library to write with (see sqlite-driver.ts), said as it is.
    if (error)
      waiter?.reject(error.code === 'E_USAGE' ? new IngestError('E_USAGE', error.message) : Object.assign(new Error(error.message), { code: error.code }));
    else waiter?.resolve();
  }

  function onGone(err: Error) {
    broken ??= err;
    for (const waiter of replies.values()) waiter.reject(broken);
    replies.clear();
  }

  function writeQueued() {
    const { chunks, waiters } = queued;
    queued = { chunks: [], waiters: [] };
    writing = true;
    send({ type: 'write', id: nextId++, chunks })
      .then(
        () => {
          for (const w of waiters) w.resolve();
        },
        (err) => {
          for (const w of waiters) w.reject(err);
        },
      )
      .finally(() => {
        writing = false;
        if (queued.chunks.length > 0) writeQueued();
        else for (const wake of idle.splice(0)) wake();
      });
  }

  const whenIdle = () => (!writing && queued.chunks.length === 0 ? Promise.resolve() : new Promise<void>((wake) => idle.push(wake)));

  function open() {
    opening ??= (async () => {
      await mkdir(outDir, { recursive: true });
      worker = startWorker(entryPoint('sinks/sqlite-worker'), { workerData: { path: join(outDir, SQLITE_FILE) } });
      worker.on('message', onReply);
      worker.on('error', onGone);
      worker.on('exit', (code) => onGone(new Error(`the SQLite writer stopped (exit code ${code})`)));
      // The start reply (id 0) says whether the database could be opened.
      try {
        await new Promise<void>((resolve, reject) => replies.set(0, { resolve, reject }));
      } catch (err) {
        broken ??= err as Error;
        await worker.terminate();
        throw err;
      }
      worker.unref();
    })();
    return opening;
  }

  return {
    kind: 'sqlite',
    open,
    write(source: string, chunk: SinkChunk) {
      if (chunk.lines.length === 0) return Promise.resolve();
      if (broken) return Promise.reject(broken);
      return new Promise<void>((resolve, reject) => {
        queued.chunks.push({ source, seq: chunk.seq, lines: chunk.lines });
        queued.waiters.push({ resolve, reject });
        // Wait one turn so chunks written together by many sources share a transaction.
        if (!writing && !scheduled) {
          scheduled = true;
          setImmediate(() => {
            scheduled = false;
            if (!writing && queued.chunks.length > 0) writeQueued();
          });
        }
      });
    },
    endSource: async () => {},
    flush: whenIdle,
    files: () => [join(outDir, SQLITE_FILE)],
    async close() {
      if (!worker) return;
      await whenIdle();
      try {
        if (!broken) await send({ type: 'close', id: nextId++ });
      } finally {
        await worker.terminate();
        worker = undefined;
      }
    },
    async rewind(to) {
      await open();
      await send({ type: 'rewind', id: nextId++, to: to.map(({ source, checkpoint }) => ({ source, seq: checkpoint?.seq ?? 0 })) });
    },
  };
}
