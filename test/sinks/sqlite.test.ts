import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { IngestError } from '../../src/errors.js';
import { SQLITE_FILE, sqliteSink } from '../../src/sinks/sqlite.js';
import { betterSqlite3, type DriverName, nodeSqlite, sqliteDriver } from '../../src/sinks/sqlite-driver.js';
import { tempDir } from '../helpers/temp.js';

const chunk = (seq: number, n: number) => ({
  seq,
  lines: Array.from({ length: n }, (_, i) => JSON.stringify({ seq, i })),
  rejected: [],
  cursor: { seq: seq + 1 },
});
const rows = (out: string) => {
  const db = sqliteDriver().open(join(out, SQLITE_FILE), { readOnly: true });
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
    assert.deepEqual(
      rows(out).map((r) => `${r.source}/${r.seq}/${r.idx}`),
      ['a/0/0', 'a/0/1', 'a/0/2', 'a/1/0', 'b/0/0', 'b/0/1'],
    );
    const db = sqliteDriver().open(join(out, SQLITE_FILE), { readOnly: true });
    assert.equal((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode, 'wal');
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

  it('node:sqlite where Node has it (22.13+), better-sqlite3 on Node 20; INGEST_TUI_SQLITE picks one', () => {
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    const builtIn = major > 22 || (major === 22 && minor >= 13); // 22.5–22.12 want --experimental-sqlite
    assert.equal(nodeSqlite() !== undefined, builtIn);
    assert.equal(sqliteDriver(undefined).name, builtIn ? 'node:sqlite' : 'better-sqlite3');
    if (!builtIn) assert.throws(() => sqliteDriver('node:sqlite'), /INGEST_TUI_SQLITE=node:sqlite: Node [\d.]+ has no node:sqlite/);
  });

  it('without a usable better-sqlite3 the error says what is missing and that Node ≥ 22.13 needs none', () => {
    const failing = (err: Error & { code?: string }) => () =>
      betterSqlite3(() => {
        throw err;
      });
    const cases: Array<[Error & { code?: string }, RegExp]> = [
      [Object.assign(new Error("Cannot find module 'better-sqlite3'"), { code: 'MODULE_NOT_FOUND' }), /\(it is not installed: `npm install better-sqlite3`\)/],
      [
        new Error(
          'The module was compiled against a different Node.js version using NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 137.',
        ),
        /built for another version of Node: `npm rebuild better-sqlite3`/,
      ],
      [new Error('Could not locate the bindings file. Tried:\n → …/better_sqlite3.node'), /never built: installed with --ignore-scripts/],
    ];
    for (const [err, reason] of cases) {
      assert.throws(failing(err), (e: unknown) => {
        assert.ok(e instanceof IngestError && e.code === 'E_USAGE');
        assert.match(e.message, /^--sink sqlite needs better-sqlite3's native build on Node [\d.]+ \(/);
        assert.match(e.message, reason);
        assert.match(e.message, /; or use Node ≥ 22\.13, which has SQLite built in$/);
        return true;
      });
    }
  });

  it('what one library writes the other reads: same table, keys and WAL (where both are there)', async (t) => {
    const available = (['node:sqlite', 'better-sqlite3'] as DriverName[]).filter((name) => {
      try {
        return sqliteDriver(name).name === name;
      } catch {
        return false;
      }
    });
    if (available.length < 2) return t.skip(`only ${available.join(', ') || 'no driver'} on Node ${process.versions.node}`);
    const before = process.env.INGEST_TUI_SQLITE;
    t.after(() => {
      if (before === undefined) delete process.env.INGEST_TUI_SQLITE;
      else process.env.INGEST_TUI_SQLITE = before;
    });
    for (const [writer, reader] of [available, [...available].reverse()] as Array<[DriverName, DriverName]>) {
      const out = tempDir();
      process.env.INGEST_TUI_SQLITE = writer; // the writer thread gets a copy of the environment
      const sink = sqliteSink(out);
      await sink.open();
      await Promise.all([sink.write('a', chunk(0, 2)), sink.write('b', chunk(3, 1))]);
      await sink.close();
      process.env.INGEST_TUI_SQLITE = reader; // the sink reopens it with the other library
      const again = sqliteSink(out);
      await again.open();
      await again.write('a', chunk(0, 2)); // a replay: INSERT OR IGNORE on the same key
      await again.write('a', chunk(1, 1));
      await again.close();
      const db = sqliteDriver(reader).open(join(out, SQLITE_FILE), { readOnly: true });
      try {
        assert.deepEqual(
          db
            .prepare("SELECT source || '/' || seq || '/' || idx AS k FROM records ORDER BY source, seq, idx")
            .all()
            .map((r) => (r as { k: string }).k),
          ['a/0/0', 'a/0/1', 'a/1/0', 'b/3/0'],
          `${writer} then ${reader}`,
        );
        assert.equal((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode, 'wal');
      } finally {
        db.close();
      }
    }
  });
});
