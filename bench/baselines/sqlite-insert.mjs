// Baseline: raw SQLite inserts of the same NDJSON file: one prepared statement, one transaction
// per 500 lines, WAL, rows keyed by (source, seq, idx) like the SQLite sink's.
// DRIVER is better-sqlite3 (default) or node:sqlite (Node >= 22.13). Exits 3 when that library is
// not there (better-sqlite3 not installed or not built for this Node; no node:sqlite before 22.13).
// Usage: node sqlite-insert.mjs IN.ndjson OUT.db [DRIVER]
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

const [input, output, driver = 'better-sqlite3'] = process.argv.slice(2);

/** { db, insert, insertChunk(seq, lines) } with the library's own idiom for a transaction. */
async function open() {
  if (driver === 'node:sqlite') {
    const sqlite = process.getBuiltinModule?.('node:sqlite');
    if (!sqlite) {
      console.error(`Node ${process.versions.node} has no node:sqlite`);
      process.exit(3);
    }
    const db = new sqlite.DatabaseSync(output);
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    return { db, begin: () => db.exec('BEGIN'), commit: () => db.exec('COMMIT') };
  }
  let Database;
  try {
    Database = (await import('better-sqlite3')).default;
    new Database(':memory:').close(); // loads the native build
  } catch (err) {
    console.error(`better-sqlite3 is not usable here: ${err.message.split('\n')[0]}`);
    process.exit(3);
  }
  const db = new Database(output);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return { db, begin: () => db.exec('BEGIN'), commit: () => db.exec('COMMIT') };
}

const started = performance.now();
const { db, begin, commit } = await open();
db.exec(
  'CREATE TABLE IF NOT EXISTS records (source TEXT NOT NULL, seq INTEGER NOT NULL, idx INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (source, seq, idx)) WITHOUT ROWID',
);
const insert = db.prepare('INSERT OR IGNORE INTO records VALUES (?, ?, ?, ?)');
const insertChunk = (seq, lines) => {
  begin();
  lines.forEach((line, idx) => {
    const record = JSON.parse(line);
    record._ingest = { source: 'events', seq, index: idx };
    insert.run('events', seq, idx, JSON.stringify(record));
  });
  commit();
};
let seq = 0;
let lines = [];
let records = 0;
for await (const line of createInterface({ input: createReadStream(input), crlfDelay: Infinity })) {
  if (!line) continue;
  lines.push(line);
  records += 1;
  if (lines.length === 500) {
    insertChunk(seq++, lines);
    lines = [];
  }
}
if (lines.length > 0) insertChunk(seq++, lines);
db.close();
console.log(JSON.stringify({ wallMs: performance.now() - started, records, driver }));
