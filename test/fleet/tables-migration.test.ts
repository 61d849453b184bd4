import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectDatabase } from '../../src/sinks/postgres/database.js';
import { DEFAULT_RUN, ensureTables } from '../../src/sinks/postgres/tables.js';
import { freshDatabase } from '../helpers/postgres.js';

/** Part 1's tables, exactly as its ensureTables() created them (keyed by source alone). */
const V1 = [
  `CREATE TABLE ingest_records (
    source text NOT NULL, seq integer NOT NULL, idx integer NOT NULL, record jsonb NOT NULL,
    ingested_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, seq, idx))`,
  `CREATE TABLE ingest_dead_letters (
    source text NOT NULL, seq integer NOT NULL, idx integer NOT NULL, reason text NOT NULL, excerpt text NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, seq, idx))`,
  `CREATE TABLE ingest_sources (
    source text PRIMARY KEY, run text NOT NULL, kind text NOT NULL, fingerprint text NOT NULL,
    state text NOT NULL DEFAULT 'queued', next_seq integer NOT NULL DEFAULT 0, cursor jsonb,
    persisted bigint NOT NULL DEFAULT 0, dead_lettered bigint NOT NULL DEFAULT 0,
    owner text, lease_until timestamptz, error text,
    tables_version integer NOT NULL DEFAULT 1, updated_at timestamptz NOT NULL DEFAULT now())`,
];

describe('tables v2', () => {
  it('migrates real v1 tables in place: their rows go to the default run, the keys widen, and a second start changes nothing', async (t) => {
    const pg = await freshDatabase(t);
    if (!pg) return;
    for (const sql of V1) await pg.query(sql);
    await pg.query(`INSERT INTO ingest_sources (source, run, kind, fingerprint, state, next_seq, cursor, persisted)
                    VALUES ('a', 'default', 'simulated', 'f1', 'done', 2, '{"seq":2}', 3), ('b', 'default', 'simulated', 'f2', 'running', 1, '{"seq":1}', 1)`);
    await pg.query(
      `INSERT INTO ingest_records (source, seq, idx, record) VALUES ('a', 0, 0, '{"v":1}'), ('a', 0, 1, '{"v":2}'), ('a', 1, 0, '{"v":3}'), ('b', 0, 0, '{"v":4}')`,
    );
    await pg.query(`INSERT INTO ingest_dead_letters (source, seq, idx, reason, excerpt) VALUES ('b', 0, 1, 'bad', 'x')`);

    const db = await connectDatabase({ url: pg.url });
    t.after(() => db.close());
    // Two workers starting at once: one migrates under the lock, the other finds v2 and does nothing.
    await Promise.all([ensureTables(db), ensureTables(db)]);

    assert.deepEqual(await pg.query('SELECT run, source, seq, idx FROM ingest_records ORDER BY source, seq, idx'), [
      { run: DEFAULT_RUN, source: 'a', seq: 0, idx: 0 },
      { run: DEFAULT_RUN, source: 'a', seq: 0, idx: 1 },
      { run: DEFAULT_RUN, source: 'a', seq: 1, idx: 0 },
      { run: DEFAULT_RUN, source: 'b', seq: 0, idx: 0 },
    ]);
    assert.deepEqual(await pg.query('SELECT run, source, reason FROM ingest_dead_letters'), [{ run: DEFAULT_RUN, source: 'b', reason: 'bad' }]);
    assert.deepEqual(
      await pg.query('SELECT run, source, state, next_seq, persisted::int, claims, last_owner, tables_version FROM ingest_sources ORDER BY source'),
      [
        { run: 'default', source: 'a', state: 'done', next_seq: 2, persisted: 3, claims: 0, last_owner: null, tables_version: 2 },
        { run: 'default', source: 'b', state: 'running', next_seq: 1, persisted: 1, claims: 0, last_owner: null, tables_version: 2 },
      ],
    );
    const keys = await pg.query<{ table: string; key: string }>(
      `SELECT conrelid::regclass::text AS table, pg_get_constraintdef(oid) AS key FROM pg_constraint WHERE contype = 'p' AND connamespace = 'public'::regnamespace ORDER BY 1`,
    );
    assert.deepEqual(keys, [
      { table: 'ingest_dead_letters', key: 'PRIMARY KEY (run, source, seq, idx)' },
      { table: 'ingest_records', key: 'PRIMARY KEY (run, source, seq, idx)' },
      { table: 'ingest_sources', key: 'PRIMARY KEY (run, source)' },
    ]);
    // The claims' index of open sources, made for migrated tables as for new ones.
    assert.deepEqual(await pg.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'ingest_sources' ORDER BY 1`), [
      { indexname: 'ingest_sources_open' },
      { indexname: 'ingest_sources_pkey' },
    ]);
    // The same source name in another run is another row now, in every table.
    await pg.query(`INSERT INTO ingest_sources (run, source, kind, fingerprint) VALUES ('nightly', 'a', 'simulated', 'f1')`);
    await pg.query(`INSERT INTO ingest_records (run, source, seq, idx, record) VALUES ('nightly', 'a', 0, 0, '{"v":1}')`);
    // A writer that forgets the run is refused, not sent to the default run.
    await assert.rejects(pg.query(`INSERT INTO ingest_records (source, seq, idx, record) VALUES ('c', 0, 0, '{}')`), /null value in column "run"/);
    await ensureTables(db);
    assert.equal((await pg.query('SELECT count(*)::int AS n FROM ingest_records'))[0]!.n, 5);
  });

  it('refuses tables newer than it knows, naming the schema', async (t) => {
    const pg = await freshDatabase(t);
    if (!pg) return;
    const db = await connectDatabase({ url: pg.url });
    t.after(() => db.close());
    await ensureTables(db);
    await pg.query(`COMMENT ON TABLE ingest_sources IS 'ingest-tui tables v9'`);
    await assert.rejects(ensureTables(db), { code: 'E_DATABASE', message: /tables in schema "public" are version 9, newer than this ingest-tui's 2/ });
  });
});
