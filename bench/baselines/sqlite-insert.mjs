// Baseline: raw better-sqlite3 inserts of the same NDJSON file: one prepared statement, one
// transaction per 500 lines, WAL, rows keyed by (source, seq, idx) like the SQLite sink's.
// Exits 3 when better-sqlite3 is not installed (the SQLite sink's branch brings it).
// Usage: node sqlite-insert.mjs IN.ndjson OUT.db
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

const [input, output] = process.argv.slice(2);
let Database;
try {
  Database = (await import('better-sqlite3')).default;
} catch {
  console.error('better-sqlite3 is not installed');
  process.exit(3);
}

const started = performance.now();
const db = new Database(output);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('CREATE TABLE IF NOT EXISTS records (source TEXT NOT NULL, seq INTEGER NOT NULL, idx INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (source, seq, idx)) WITHOUT ROWID');
const insert = db.prepare('INSERT OR IGNORE INTO records VALUES (?, ?, ?, ?)');
const insertChunk = db.transaction((seq, lines) => {
  lines.forEach((line, idx) => {
    const record = JSON.parse(line);
    record._ingest = { source: 'events', seq, index: idx };
    insert.run('events', seq, idx, JSON.stringify(record));
  });
});
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
console.log(JSON.stringify({ wallMs: performance.now() - started, records }));
