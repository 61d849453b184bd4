import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Chunk } from '../sources/source.js';
import type { RewindTo, Sink } from './sink.js';

export const SQLITE_FILE = 'ingest.sqlite';

export interface SqliteSinkOptions {
  /**
   * The longest one transaction may hold the event loop, in ms. better-sqlite3 is synchronous:
   * while it inserts, no timer, socket or render runs. Writes are queued and committed in
   * slices of at most this long, one slice per event-loop turn.
   */
  sliceMs?: number;
}

interface Pending {
  source: string;
  seq: number;
  lines: unknown[];
  /** Index of the next line to insert: a large chunk may span several slices. */
  next: number;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * <out>/ingest.sqlite, table `records(source, seq, idx, record)` keyed by (source, seq, idx):
 * idx is the record's position among its chunk's persisted records. Inserts are INSERT OR
 * IGNORE, so a chunk replayed after a crash adds nothing twice. WAL journal: a kill -9 at any
 * moment leaves the last committed transaction and a consistent database.
 *
 * Chunks written in the same event-loop turn (by many sources) share one transaction (group
 * commit); a write() resolves only once its chunk's rows are committed, and only then does the
 * pipeline move the source's checkpoint.
 */
export function sqliteSink(outDir: string, { sliceMs = 4 }: SqliteSinkOptions = {}): Sink {
  let db: Database.Database | undefined;
  let insert: Database.Statement | undefined;
  const queue: Pending[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  const idle: Array<() => void> = [];

  const database = () => {
    if (!db) throw new Error('the SQLite sink is not open');
    return db;
  };

  function drain() {
    scheduled = undefined;
    const started = performance.now();
    const committed: Pending[] = [];
    let headTouched = false;
    try {
      database().transaction(() => {
        while (queue.length > 0 && performance.now() - started < sliceMs) {
          const item = queue[0]!;
          headTouched = true;
          while (item.next < item.lines.length) {
            insert!.run(item.source, item.seq, item.next, String(item.lines[item.next]));
            item.next += 1;
            if (performance.now() - started >= sliceMs) break;
          }
          if (item.next < item.lines.length) break;
          committed.push(queue.shift()!);
          headTouched = false;
        }
      })();
    } catch (err) {
      // Rolled back: no chunk of this transaction is persisted (the disk is full, the file is gone).
      // Earlier slices of a large chunk may remain; a resumed run rewinds or ignores them.
      for (const item of committed) item.reject(err);
      if (headTouched) queue.shift()!.reject(err);
      committed.length = 0;
    }
    for (const item of committed) item.resolve();
    if (queue.length > 0) scheduled = setImmediate(drain);
    else for (const wake of idle.splice(0)) wake();
  }

  const whenIdle = () => (queue.length === 0 ? Promise.resolve() : new Promise<void>((wake) => idle.push(wake)));

  const open = async () => {
    if (db) return;
    await mkdir(outDir, { recursive: true });
    const opened = new Database(join(outDir, SQLITE_FILE));
    try {
      opened.pragma('journal_mode = WAL');
      // In WAL mode NORMAL survives any process crash; only a power cut may lose the last commits.
      opened.pragma('synchronous = NORMAL');
      opened.exec(`CREATE TABLE IF NOT EXISTS records (
        source TEXT NOT NULL, seq INTEGER NOT NULL, idx INTEGER NOT NULL, record TEXT NOT NULL,
        PRIMARY KEY (source, seq, idx))`);
      insert = opened.prepare('INSERT OR IGNORE INTO records (source, seq, idx, record) VALUES (?, ?, ?, ?)');
    } catch (err) {
      opened.close();
      throw err;
    }
    db = opened;
  };

  return {
    kind: 'sqlite',
    open,
    write(source: string, chunk: Chunk) {
      if (chunk.records.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        queue.push({ source, seq: chunk.seq, lines: chunk.records, next: 0, resolve, reject });
        scheduled ??= setImmediate(drain);
      });
    },
    endSource: async () => {},
    flush: whenIdle,
    async close() {
      await whenIdle();
      db?.close(); // checkpoints the WAL into the database file
      db = undefined;
    },
    async rewind(to: RewindTo[]) {
      await open();
      const drop = database().prepare('DELETE FROM records WHERE source = ? AND seq >= ?');
      database().transaction(() => {
        for (const { source, checkpoint } of to) drop.run(source, checkpoint?.seq ?? 0);
      })();
    },
  };
}
