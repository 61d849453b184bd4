/**
 * The SQLite writer thread. node:sqlite and better-sqlite3 are synchronous: every insert, commit
 * and WAL checkpoint would otherwise hold the main event loop (the lecture's blocking call). Here
 * it holds only this thread. One message is one transaction.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type Connection, sqliteDriver, transaction } from './sqlite-driver.js';

export interface ChunkRows {
  source: string;
  seq: number;
  lines: string[];
}

export type Request =
  | { type: 'write'; id: number; chunks: ChunkRows[] }
  | { type: 'rewind'; id: number; to: Array<{ source: string; seq: number }> }
  | { type: 'close'; id: number };

/** Id 0 answers the start: the database is open, or why not. */
export interface Reply {
  id: number;
  error?: { message: string; code?: string };
}

const port = parentPort!;
const fail = (id: number, err: unknown): Reply => ({ id, error: { message: (err as Error).message, code: (err as { code?: string }).code } });

function open(path: string) {
  const db: Connection = sqliteDriver().open(path);
  db.exec('PRAGMA journal_mode = WAL');
  // In WAL mode NORMAL survives any process crash (kill -9); only a power cut may lose the last commits.
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS records (
    source TEXT NOT NULL, seq INTEGER NOT NULL, idx INTEGER NOT NULL, record TEXT NOT NULL,
    PRIMARY KEY (source, seq, idx))`);
  const insert = db.prepare('INSERT OR IGNORE INTO records (source, seq, idx, record) VALUES (?, ?, ?, ?)');
  const drop = db.prepare('DELETE FROM records WHERE source = ? AND seq >= ?');
  return {
    db,
    write: (chunks: ChunkRows[]) =>
      transaction(db, () => {
        for (const { source, seq, lines } of chunks) for (let idx = 0; idx < lines.length; idx++) insert.run(source, seq, idx, lines[idx]!);
      }),
    rewind: (to: Array<{ source: string; seq: number }>) =>
      transaction(db, () => {
        for (const { source, seq } of to) drop.run(source, seq);
      }),
  };
}

let store: ReturnType<typeof open> | undefined;
try {
  store = open((workerData as { path: string }).path);
  port.postMessage({ id: 0 } satisfies Reply);
} catch (err) {
  port.postMessage(fail(0, err)); // and with nothing to listen to, the thread ends
}

if (store) port.on('message', (request: Request) => answer(store!, request));

function answer(store: ReturnType<typeof open>, request: Request) {
  try {
    if (request.type === 'write') store.write(request.chunks);
    else if (request.type === 'rewind') store.rewind(request.to);
    else {
      store.db.close(); // checkpoints the WAL into the database file
      port.postMessage({ id: request.id } satisfies Reply);
      port.close();
      return;
    }
    port.postMessage({ id: request.id } satisfies Reply);
  } catch (err) {
    // The transaction rolled back: nothing of this message is in the database.
    port.postMessage(fail(request.id, err));
  }
}
