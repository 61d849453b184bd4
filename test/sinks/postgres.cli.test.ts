import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseEvents, runCli, startCli } from '../helpers/cli.js';
import { freshDatabase } from '../helpers/postgres.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const sim = (name: string, extra: Record<string, unknown> = {}) => ({ name, kind: 'simulated', chunks: 6, recordsPerChunk: 5, latency: '2ms', ...extra });

/** Every record in the table, as (source, seq, idx, value), sorted: what "exactly once" compares. */
async function contents(query: (sql: string) => Promise<Record<string, unknown>[]>) {
  const rows = await query(`SELECT source, seq, idx, record->>'value' AS value FROM ingest_records ORDER BY source, seq, idx`);
  return rows.map((r) => `${r.source as string}/${r.seq as number}/${r.idx as number}=${r.value as string}`);
}

describe('--sink postgres (a real server)', () => {
  it('creates its tables, lands every record once with its dead letters, and leaves each source done', async (t) => {
    const db = await freshDatabase(t);
    if (!db) return;
    const dir = writeFiles(tempDir(), { 'a.json': [sim('orders', { badRecords: 0.2 }), sim('clicks')] });
    const r = await runCli(['--sources', dir, '--sink', 'postgres', '--db', db.url, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const summary = parseEvents(r.stdout).at(-1)!;
    assert.ok(summary.deadLettered > 0, 'some records were bad');
    const [{ n }] = (await db.query('SELECT count(*)::int AS n FROM ingest_records')) as [{ n: number }];
    const [{ d }] = (await db.query('SELECT count(*)::int AS d FROM ingest_dead_letters')) as [{ d: number }];
    assert.deepEqual([n, d], [summary.persisted, summary.deadLettered]);
    const sources = await db.query('SELECT source, state, next_seq, persisted::int, owner FROM ingest_sources ORDER BY source');
    assert.deepEqual(sources, [
      { source: 'clicks', state: 'done', next_seq: 6, persisted: 30, owner: null },
      { source: 'orders', state: 'done', next_seq: 6, persisted: summary.sources.find((s: { name: string }) => s.name === 'orders').persisted, owner: null },
    ]);
    const [record] = await db.query(`SELECT record FROM ingest_records WHERE source = 'clicks' AND seq = 0 AND idx = 0`);
    assert.equal((record!.record as { source: string }).source, 'clicks', 'stored as jsonb');
  });

  it('kill -9 in the middle, then --resume: every record exactly once, no cutting back', async (t) => {
    const resumed = await freshDatabase(t);
    const reference = await freshDatabase(t);
    if (!resumed || !reference) return;
    const dir = writeFiles(tempDir(), {
      'a.json': [sim('a', { chunks: 60, latency: '10ms' }), sim('b', { chunks: 60, latency: '7ms' }), sim('c', { chunks: 60, latency: '13ms' })],
    });
    const first = startCli(['--sources', dir, '--sink', 'postgres', '--db', resumed.url, '--json']);
    await first.waitFor(/"type":"chunk","t":\d+,"source":"c","seq":8,/);
    first.child.kill('SIGKILL');
    await first.result;
    const [{ n: before }] = (await resumed.query('SELECT count(*)::int AS n FROM ingest_records')) as [{ n: number }];
    assert.ok(before > 0 && before < 3 * 60 * 5, `${before} records committed before the kill`);
    const again = await runCli(['--sources', dir, '--sink', 'postgres', '--db', resumed.url, '--resume', '--json']);
    assert.equal(again.code, 0, again.stderr);
    const whole = await runCli(['--sources', dir, '--sink', 'postgres', '--db', reference.url, '--json']);
    assert.equal(whole.code, 0, whole.stderr);
    const got = await contents(resumed.query);
    assert.equal(got.length, 3 * 60 * 5);
    assert.deepEqual(got, await contents(reference.query), 'the same records as one uninterrupted run, each once');
  });

  it('a server that is not there, a wrong password, a missing database: one line, exit 2, never the password', async (t) => {
    const db = await freshDatabase(t);
    if (!db) return;
    const dir = writeFiles(tempDir(), { 'a.json': sim('a') });
    const attempt = async (url: string) => {
      const r = await runCli(['--sources', dir, '--sink', 'postgres', '--db', url, '--no-ui']);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.doesNotMatch(r.stderr + r.stdout, /s3cret-pw/);
      assert.doesNotMatch(r.stderr, /started/, 'refused before any source started');
      return r.stderr;
    };
    assert.match(
      await attempt('postgresql://someone:s3cret-pw@127.0.0.1:9/x'),
      /^ingest-tui: --db postgresql:\/\/someone:\*\*\*@127\.0\.0\.1:9\/x: no PostgreSQL server answers there \(connection refused\)\n$/,
    );
    await db.query(`CREATE ROLE ingest_tester_${process.pid} LOGIN PASSWORD 'right-one'`);
    t.after(() => db.query(`DROP ROLE IF EXISTS ingest_tester_${process.pid}`).catch(() => {}));
    assert.match(
      await attempt(`postgresql://ingest_tester_${process.pid}:s3cret-pw@127.0.0.1:5432/postgres`),
      /the server refused the login \(28P01: password authentication failed/,
    );
    assert.match(await attempt(db.url.replace(/ingest_test_\w+/, 'no_such_db')), /database "no_such_db" does not exist/);
    // libpq's empty host (a socket directory in the query), which WHATWG URLs refuse, and a password in the query.
    assert.match(
      await attempt('postgresql://someone:s3cret-pw@/x?host=/nonexistent-socket-dir&sslpassword=s3cret-pw'),
      /^ingest-tui: --db postgresql:\/\/someone:\*\*\*@\/x\?host=\/nonexistent-socket-dir&sslpassword=\*\*\*: /,
    );
  });

  it("records holding COPY's specials land as they were; one holding \\u0000 fails its source's chunk only", async (t) => {
    const db = await freshDatabase(t);
    if (!db) return;
    const odd = [{ value: 'tab\there' }, { value: 'back\\slash \\t' }, { value: 'new\nline\r' }, { value: 'plain' }, { value: 'é😀' }];
    const dir = tempDir();
    writeFiles(dir, {
      'odd.ndjson': `${odd.map((r) => JSON.stringify(r)).join('\n')}\n`,
      'nul.ndjson': `${JSON.stringify({ value: 'a' })}\n${JSON.stringify({ value: 'b\u0000' })}\n`,
      'sources.json': [
        { name: 'odd', kind: 'file', path: join(dir, 'odd.ndjson') },
        { name: 'nul', kind: 'file', path: join(dir, 'nul.ndjson') },
      ],
    });
    const r = await runCli(['--sources', join(dir, 'sources.json'), '--sink', 'postgres', '--db', db.url, '--json']);
    assert.notEqual(r.code, 0, 'the source holding \\u0000 failed');
    const rows = await db.query(`SELECT source, record->>'value' AS value FROM ingest_records ORDER BY source, seq, idx`);
    assert.deepEqual(
      rows,
      odd.map((o) => ({ source: 'odd', value: o.value })),
    );
    const sources = await db.query('SELECT source, state, next_seq FROM ingest_sources ORDER BY source');
    assert.deepEqual(sources, [
      { source: 'nul', state: 'failed', next_seq: 0 },
      { source: 'odd', state: 'done', next_seq: 1 },
    ]);
  });

  it('hostile source names and schema go in quoted, never as SQL', async (t) => {
    const db = await freshDatabase(t);
    if (!db) return;
    const names = ["x'); DROP TABLE ingest_records; --", 'tab\there', 'back\\slash', 'new\nline'];
    const dir = writeFiles(tempDir(), { 'a.json': names.map((n) => sim(n, { chunks: 2 })) });
    const r = await runCli(['--sources', dir, '--sink', 'postgres', '--db', db.url, '--db-schema', 'we"ird; DROP SCHEMA public', '--no-ui']);
    assert.equal(r.code, 0, r.stderr);
    const rows = await db.query(`SELECT source, count(*)::int AS n FROM "we""ird; DROP SCHEMA public".ingest_records GROUP BY source ORDER BY source`);
    assert.deepEqual(
      rows,
      [...names].sort().map((source) => ({ source, n: 10 })),
    );
  });

  it('the server going away mid-run fails the sources it was writing for, loses nothing committed, and --resume finishes', async (t) => {
    const db = await freshDatabase(t);
    if (!db) return;
    const dir = writeFiles(tempDir(), { 'a.json': [sim('a', { chunks: 40, latency: '10ms' }), sim('b', { chunks: 40, latency: '10ms' })] });
    const run = startCli(['--sources', dir, '--sink', 'postgres', '--db', db.url, '--json']);
    await run.waitFor(/"type":"chunk","t":\d+,"source":"a","seq":5,/);
    await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ingest-tui' AND datname = current_database()`);
    const r = await run.result;
    const summary = parseEvents(r.stdout).at(-1)!;
    assert.equal(summary.type, 'summary', r.stderr);
    const failed = summary.sources.filter((s: { state: string }) => s.state === 'failed');
    assert.ok(failed.length >= 1, 'a source was writing when the server went');
    assert.match(failed[0].error, /^cannot persist chunk \d+: PostgreSQL: /);
    assert.equal(r.code, 1);
    const [{ n }] = (await db.query('SELECT count(*)::int AS n FROM ingest_records')) as [{ n: number }];
    assert.ok(n >= summary.persisted - failed.reduce((s: number, f: { persisted: number }) => s + f.persisted, 0), 'what was reported committed is there');
    const again = await runCli(['--sources', dir, '--sink', 'postgres', '--db', db.url, '--resume', '--json']);
    assert.equal(again.code, 0, again.stderr);
    const [{ all }] = (await db.query('SELECT count(*)::int AS all FROM ingest_records')) as [{ all: number }];
    assert.equal(all, 2 * 40 * 5);
  });

  it("a plain run lives in the default run: another run's rows under the same source names are left alone", async (t) => {
    const db = await freshDatabase(t);
    if (!db) return;
    const dir = writeFiles(tempDir(), { 'a.json': [sim('a')] });
    const first = await runCli(['--sources', dir, '--sink', 'postgres', '--db', db.url, '--no-ui']);
    assert.equal(first.code, 0, first.stderr);
    // A fleet run's rows for a source of the same name (as a fleet worker's sink writes them).
    await db.query(
      `INSERT INTO ingest_sources (run, source, kind, fingerprint, state, next_seq, persisted) VALUES ('nightly', 'a', 'simulated', 'f', 'done', 1, 1)`,
    );
    await db.query(`INSERT INTO ingest_records (run, source, seq, idx, record) VALUES ('nightly', 'a', 0, 0, '{"other":true}')`);
    // A fresh (not resumed) plain run starts its own sources over, only in its own run.
    const again = await runCli(['--sources', dir, '--sink', 'postgres', '--db', db.url, '--no-ui']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(await db.query('SELECT run, count(*)::int AS n FROM ingest_records GROUP BY run ORDER BY run'), [
      { run: 'default', n: 30 },
      { run: 'nightly', n: 1 },
    ]);
    assert.deepEqual(await db.query(`SELECT run, state, next_seq FROM ingest_sources ORDER BY run`), [
      { run: 'default', state: 'done', next_seq: 6 },
      { run: 'nightly', state: 'done', next_seq: 1 },
    ]);
  });

  it('--db without --sink postgres is a usage error', async () => {
    const dir = writeFiles(tempDir(), { 'a.json': sim('a') });
    const r = await runCli(['--sources', dir, '--db', 'postgresql:///x', '--out', join(dir, 'out'), '--no-ui']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--db and --db-schema go with --sink postgres/);
  });
});
