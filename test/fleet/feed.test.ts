import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { describe, it, type TestContext } from 'node:test';
import { FleetFeed, MAX_POLL_MS } from '../../src/fleet/feed.js';
import { LEASE_BOUNDS } from '../../src/fleet/lease.js';
import type { CheckpointTarget } from '../../src/pipeline/persistence/checkpoints.js';
import { connectDatabase, type Database } from '../../src/sinks/postgres/database.js';
import { postgresSink } from '../../src/sinks/postgres/sink.js';
import { ensureTables } from '../../src/sinks/postgres/tables.js';
import type { SinkChunk } from '../../src/sinks/sink.js';
import type { Source } from '../../src/sources/source.js';
import { freshDatabase, type TestDatabase } from '../helpers/postgres.js';

const RUN = 'nightly';
/** A worker of this very process: alive, so only its lease (not ownerIsGone) decides. */
const workerName = () => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
const targetsOf = (names: string[], fingerprint = 'seed-1'): CheckpointTarget[] => names.map((name) => ({ name, kind: 'simulated', fingerprint }));
const sourcesOf = (names: string[]): Source[] =>
  names.map((name) => ({
    name,
    kind: 'simulated',
    async *read() {},
  }));
const names = (n: number) => Array.from({ length: n }, (_, i) => `s${String(i).padStart(2, '0')}`);

const opened = new WeakMap<Database, FleetFeed[]>();

async function setUp(t: TestContext): Promise<{ pg: TestDatabase; db: Database } | undefined> {
  const pg = await freshDatabase(t);
  if (!pg) return undefined;
  const db = await connectDatabase({ url: pg.url, max: 8 });
  opened.set(db, []);
  // The feeds first: each holds a connection (its LISTEN) that the pool's end waits for.
  t.after(async () => {
    for (const feed of opened.get(db)!) await feed.close();
    await db.close();
  });
  await ensureTables(db);
  return { pg, db };
}

async function join(db: Database, list: string[], options: { leaseMs?: number; fingerprint?: string; owner?: string } = {}) {
  const feed = await FleetFeed.join({
    db,
    run: RUN,
    owner: options.owner ?? workerName(),
    sources: sourcesOf(list),
    targets: targetsOf(list, options.fingerprint),
    leaseMs: options.leaseMs,
  });
  opened.get(db)!.push(feed);
  return feed;
}

const chunk = (seq: number, n = 2): SinkChunk =>
  ({ seq, lines: Array.from({ length: n }, (_, i) => JSON.stringify({ seq, i })), rejected: [], cursor: { seq: seq + 1 } }) as unknown as SinkChunk;

/** A worker's sink, on a pool of its own (the sink closes it). */
async function sinkOf(t: TestContext, pg: TestDatabase, owner: string) {
  const sink = postgresSink(await connectDatabase({ url: pg.url }), owner, RUN);
  t.after(() => sink.close());
  return sink;
}

/** Polls the table (not the clock) until `sql` gives a row with ok = true. */
async function until(pg: TestDatabase, sql: string, params: unknown[] = []) {
  for (;;) {
    const [row] = await pg.query<{ ok: boolean }>(sql, params);
    if (row?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('fleet feed (a real server)', () => {
  it('three workers with three lanes each claim 40 sources at once: each source goes to exactly one', async (t) => {
    const env = await setUp(t);
    if (!env) return;
    const list = names(40);
    const workers = await Promise.all([0, 1, 2].map(() => join(env.db, list)));
    const got = new Map<string, string[]>();
    const lane = async (feed: FleetFeed) => {
      for (;;) {
        const claim = await feed.claim();
        if (!claim) return;
        got.set(claim.name, [...(got.get(claim.name) ?? []), feed.owner]);
      }
    };
    await Promise.all(workers.flatMap((feed) => [lane(feed), lane(feed), lane(feed)]));
    assert.deepEqual([...got.keys()].sort(), list);
    for (const [name, owners] of got) assert.equal(owners.length, 1, `${name} was handed to ${owners.join(' and ')}`);
    const rows = await env.pg.query<{ source: string; owner: string; claims: number }>(`SELECT source, owner, claims FROM ingest_sources WHERE run = $1`, [
      RUN,
    ]);
    for (const row of rows) assert.deepEqual([row.owner, row.claims], [got.get(row.source)![0], 1]);
    // Registered once, however many joined.
    assert.equal(rows.length, 40);
  });

  it('next() hands out every source once, then undefined when all are final, and a wait ends with its signal', async (t) => {
    const env = await setUp(t);
    if (!env) return;
    const a = await join(env.db, ['x', 'y']);
    const b = await join(env.db, ['x', 'y']);
    const first = await a.next(AbortSignal.timeout(10_000));
    const second = await a.next(AbortSignal.timeout(10_000));
    assert.deepEqual([first?.name, second?.name], ['x', 'y']);
    // b finds both held by a: it waits, and its signal ends the wait.
    const stop = new AbortController();
    const waiting = b.next(stop.signal);
    stop.abort(new Error('lane stopped'));
    await assert.rejects(waiting, /lane stopped/);
    // Another wait of b's, ended by the last finish: every source final, so no more sources.
    const last = b.next(AbortSignal.timeout(10_000));
    assert.equal(await a.finish('x', 'done'), true);
    assert.equal(await a.allFinal(), false);
    assert.equal(await a.finish('y', 'failed', 'boom'), true);
    assert.equal(await last, undefined);
    assert.equal(await a.allFinal(), true);
    assert.equal(await a.next(AbortSignal.timeout(10_000)), undefined);
    const totals = await b.totals();
    assert.deepEqual(totals.totals.states, { queued: 0, running: 0, done: 1, failed: 1 });
    assert.deepEqual(
      totals.workers.map((w) => [w.worker, w.holding, w.finished]),
      [[a.owner, 0, 2]],
    );
  });

  it('an expired lease is taken over: the new worker resumes from the committed cursor, the old one commits nothing more', async (t) => {
    const env = await setUp(t);
    if (!env) return;
    const a = await join(env.db, ['only'], { leaseMs: LEASE_BOUNDS.minMs });
    const b = await join(env.db, ['only'], { leaseMs: 5000 });
    const claim = await a.claim();
    assert.equal(claim?.name, 'only');
    const sinkA = await sinkOf(t, env.pg, a.owner);
    await sinkA.write('only', chunk(0));
    await sinkA.write('only', chunk(1));
    // a stops renewing (as a worker killed with SIGKILL does); b is already waiting for the source.
    await a.close();
    const [{ lease }] = (await env.pg.query<{ lease: Date }>(`SELECT lease_until AS lease FROM ingest_sources WHERE source = 'only'`)) as [{ lease: Date }];
    const taken = await b.next(AbortSignal.timeout(10_000));
    assert.equal(taken?.name, 'only');
    assert.deepEqual(b.resumeFrom('only'), { seq: 2 }, 'where a committed last');
    const [row] = await env.pg.query<{ owner: string; claims: number; after: boolean }>(
      `SELECT owner, claims, updated_at >= $1 AS after FROM ingest_sources WHERE source = 'only'`,
      [lease],
    );
    assert.deepEqual(row, { owner: b.owner, claims: 2, after: true }, 'taken only once the lease had run out');
    // a's next chunk is fenced off; b goes on from seq 2.
    await assert.rejects(sinkA.write('only', chunk(2)), /no longer this worker's/);
    assert.deepEqual((await a.renew()).lost, ['only']);
    const sinkB = await sinkOf(t, env.pg, b.owner);
    await sinkB.write('only', chunk(2));
    assert.equal(await b.finish('only', 'done'), true);
    const records = await env.pg.query<{ seq: number; n: number }>(
      `SELECT seq, count(*)::int AS n FROM ingest_records WHERE run = $1 GROUP BY seq ORDER BY seq`,
      [RUN],
    );
    assert.deepEqual(records, [
      { seq: 0, n: 2 },
      { seq: 1, n: 2 },
      { seq: 2, n: 2 },
    ]);
  });

  it('renewal keeps a short lease alive: nobody takes a source its worker still renews', async (t) => {
    const env = await setUp(t);
    if (!env) return;
    const a = await join(env.db, ['kept'], { leaseMs: LEASE_BOUNDS.minMs });
    const b = await join(env.db, ['kept']);
    await a.claim();
    const [{ first }] = (await env.pg.query<{ first: Date }>(`SELECT lease_until AS first FROM ingest_sources`)) as [{ first: Date }];
    // Wait until the lease has been renewed past its first end twice over (the renewals, not the clock).
    await until(env.pg, `SELECT lease_until > $1::timestamptz + interval '600 ms' AS ok FROM ingest_sources`, [first]);
    assert.equal(await b.claim(), undefined);
    await a.release();
    assert.equal((await b.claim())?.name, 'kept');
  });

  it('release hands the source on at once, from its committed cursor', async (t) => {
    const env = await setUp(t);
    if (!env) return;
    const a = await join(env.db, ['r']); // 30 s leases: only the release can hand it on in time
    const b = await join(env.db, ['r']);
    await a.claim();
    await (await sinkOf(t, env.pg, a.owner)).write('r', chunk(0, 3));
    const waiting = b.next(AbortSignal.timeout(10_000));
    // b is waiting once it has looked and found nothing: its claim attempt shows as a query done.
    await until(env.pg, `SELECT count(*) > 0 AS ok FROM pg_stat_activity WHERE application_name = 'ingest-tui' AND query LIKE 'SELECT count(*)::int AS open%'`);
    const released = performance.now();
    assert.deepEqual(await a.release(), ['r']);
    assert.equal((await waiting)?.name, 'r');
    assert.ok(performance.now() - released < MAX_POLL_MS, 'woken by the notification, not the next poll');
    assert.deepEqual(b.resumeFrom('r'), { seq: 1 });
    const [row] = await env.pg.query(`SELECT state, owner, claims FROM ingest_sources`);
    assert.deepEqual(row, { state: 'running', owner: b.owner, claims: 2 });
  });

  it('a worker of this host whose process is gone holds nothing, whatever its lease says', async (t) => {
    const env = await setUp(t);
    if (!env) return;
    const b = await join(env.db, ['g']);
    const dead = `${hostname()}:2147483646:dead00`; // no such pid
    await env.pg.query(`UPDATE ingest_sources SET state = 'running', owner = $1, lease_until = now() + interval '1 hour'`, [dead]);
    const claim = await b.claim();
    assert.deepEqual([claim?.name, claim?.takenFrom], ['g', dead]);
  });

  it('registration: idempotent for the same sources and seed, refused otherwise naming the run and the first differing source', async (t) => {
    const env = await setUp(t);
    if (!env) return;
    const list = ['a', 'b', 'c'];
    await Promise.all([join(env.db, list), join(env.db, [...list].reverse()), join(env.db, list)]);
    assert.equal((await env.pg.query(`SELECT count(*)::int AS n FROM ingest_sources`))[0]!.n, 3);
    const refusal = async (list: string[], fingerprint?: string) => {
      const err = (await join(env.db, list, { fingerprint }).then(
        () => assert.fail('joined'),
        (e: unknown) => e,
      )) as Error & { code?: string };
      assert.equal(err.code, 'E_FLEET');
      assert.equal(err.message.split('\n').length, 1, 'one line');
      assert.match(err.message, /^fleet run "nightly" in postgresql:\/\/.*: .*; every worker must bring the same sources and --seed/);
      return err.message;
    };
    assert.match(await refusal(['a', 'b']), /: the run's source "c" is not among this worker's;/);
    assert.match(await refusal(['a', 'b', 'c', 'd']), /: this worker's source "d" is not one of the run's 3;/);
    assert.match(await refusal(list, 'seed-2'), /: source "a" has another configuration or --seed than the run's;/);
  });

  it('commits, renewals, finishes and releases of many sources at once never deadlock: each locks its rows in one order', async (t) => {
    const env = await setUp(t);
    if (!env) return;
    const list = names(300);
    const feed = await join(env.db, list);
    while (await feed.claim()) {} // this worker holds all 300
    const sink = await sinkOf(t, env.pg, feed.owner);
    // The sink's transaction moves the cursors of every source written in one turn, in the order
    // written (here: the names backwards); the renewal moves all this worker holds at the same time.
    for (let seq = 0; seq < 8; seq++) {
      const writes = [...list].reverse().map((name) => sink.write(name, chunk(seq, 1)));
      await Promise.all([...writes, feed.renew(), feed.renew(), feed.renew()]);
    }
    const ends = [...list].reverse().map((name, i) => (i % 2 ? feed.finish(name, 'done') : feed.release([name])));
    await Promise.all([...ends, feed.renew(), feed.renew()]);
    const [row] = await env.pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM ingest_records`);
    assert.equal(row!.n, 300 * 8);
  });

  it('the lease is settable only within its bounds', async (t) => {
    const env = await setUp(t);
    if (!env) return;
    await assert.rejects(join(env.db, ['a'], { leaseMs: 10 }), /the lease must be from 300 ms to 10 min, got 10 ms/);
  });
});
