import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SQLITE_FILE, sqliteSink } from '../../src/sinks/sqlite.js';
import { tempDir } from '../helpers/temp.js';

const chunk = (seq: number, n: number) => ({ seq, lines: Array.from({ length: n }, (_, i) => JSON.stringify({ seq, i })), rejected: [], cursor: { seq: seq + 1 } });
const rows = (out: string) => {
  const db = new Database(join(out, SQLITE_FILE), { readonly: true });
  try {
    return db.prepare('SELECT source, seq, idx FROM records ORDER BY source, seq, idx').all() as Array<{ source: string; seq: number; idx: number }>;
  } finally {
    db.close();
  }
};

describe('sqlite sink', () => {
  it('a write resolves once committed (another connection sees it); a replayed chunk adds nothing twice', async () => {
    const out = tempDir();
    const sink = sqliteSink(out);
    await sink.open();
    await Promise.all([sink.write('a', chunk(0, 3)), sink.write('b', chunk(0, 2)), sink.write('a', chunk(1, 1))]);
    assert.equal(rows(out).length, 6, 'committed before write() resolved');
    await sink.write('a', chunk(0, 3)); // the replay after a crash between commit and checkpoint
    await sink.close();
    assert.deepEqual(rows(out).map((r) => `${r.source}/${r.seq}/${r.idx}`), ['a/0/0', 'a/0/1', 'a/0/2', 'a/1/0', 'b/0/0', 'b/0/1']);
    const db = new Database(join(out, SQLITE_FILE), { readonly: true });
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
  });

  it('rewind drops what lies at or past each checkpoint, and everything of a source starting over', async () => {
    const out = tempDir();
    const sink = sqliteSink(out);
    await sink.open();
    for (let seq = 0; seq < 4; seq++) await Promise.all([sink.write('a', chunk(seq, 2)), sink.write('b', chunk(seq, 1)), sink.write('c', chunk(seq, 1))]);
    await sink.rewind!([{ source: 'a', checkpoint: { seq: 2 } }, { source: 'b' }]);
    await sink.close();
    const left = rows(out);
    assert.deepEqual([...new Set(left.filter((r) => r.source === 'a').map((r) => r.seq))], [0, 1]);
    assert.equal(left.filter((r) => r.source === 'b').length, 0);
    assert.equal(left.filter((r) => r.source === 'c').length, 4, 'sources not named are left alone');
  });

  it('a database that cannot be opened fails open() with the reason, and nothing hangs', async () => {
    const out = tempDir();
    mkdirSync(join(out, SQLITE_FILE)); // a directory where the database file should be
    const sink = sqliteSink(out);
    await assert.rejects(sink.open(), /unable to open database file|SQLITE_CANTOPEN/i);
    await sink.close();
  });
});
