import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { parseEvents, runCli, startCli } from '../helpers/cli.js';
import { fleetKillResumeRound, referenceRun } from '../helpers/fleet-kill-resume.js';
import { writeKillResumeSources } from '../helpers/kill-resume.js';
import { freshDatabase, type TestDatabase } from '../helpers/postgres.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const RUN = 'nightly';

/** A sources directory: `count` simulated sources of `chunks` chunks each, `latency` apart. */
function sourcesDir(options: { count: number; chunks: number; latency: string }) {
  return writeFiles(tempDir('ingest-fleet-'), {
    'feeds.json': { name: 'feed', kind: 'simulated', count: options.count, chunks: options.chunks, recordsPerChunk: 5, latency: options.latency },
  });
}

const worker = (dir: string, pg: TestDatabase, extra: string[] = [], env: NodeJS.ProcessEnv = {}) =>
  startCli(['--sources', dir, '--sink', 'postgres', '--db', pg.url, '--fleet', RUN, '--json', ...extra], { env });

/** Every record of the run, as (source, seq, idx, record): its count, how many are distinct, and a checksum. */
async function records(pg: TestDatabase, run = RUN) {
  const [row] = await pg.query<{ n: number; distinct: number; sum: string }>(
    `SELECT count(*)::int AS n, count(DISTINCT (source, seq, idx))::int AS distinct,
            md5(coalesce(string_agg(source || ':' || seq || ':' || idx || ':' || record::text, ',' ORDER BY source, seq, idx), '')) AS sum
       FROM ingest_records WHERE run = $1`,
    [run],
  );
  return row!;
}

/** The same sources and seed run by one process alone (--sink postgres, no fleet): what a fleet must end with. */
async function reference(t: TestContext, dir: string) {
  const pg = (await freshDatabase(t))!;
  const alone = await runCli(['--sources', dir, '--sink', 'postgres', '--db', pg.url, '--json']);
  assert.equal(alone.code, 0, alone.stderr);
  return records(pg, 'default');
}

const summaryOf = (stdout: string) => parseEvents(stdout).at(-1)!;
const eventsOf = (stdout: string, type: string) => parseEvents(stdout).filter((e) => e.type === type);

describe('--fleet NAME: workers sharing one run through PostgreSQL (the built CLI, a real server)', () => {
  it('three workers: every source run by exactly one, every record once, each exits 0 with its own work and the fleet totals', async (t) => {
    const pg = await freshDatabase(t);
    if (!pg) return;
    const dir = sourcesDir({ count: 24, chunks: 6, latency: '20ms' });
    const workers = [worker(dir, pg, ['-c', '3']), worker(dir, pg, ['-c', '3']), worker(dir, pg, ['-c', '3'])];
    const results = await Promise.all(workers.map((w) => w.result));
    const ran = new Map<string, string>();
    for (const result of results) {
      assert.equal(result.code, 0, result.stderr);
      const [start] = eventsOf(result.stdout, 'run-start');
      assert.deepEqual(start!.sources, [], 'a fleet worker lists no sources up front: it claims them');
      assert.equal(start!.fleet.run, RUN);
      for (const s of eventsOf(result.stdout, 'source-start')) assert.equal(s.kind, 'simulated');
      const summary = summaryOf(result.stdout);
      assert.equal(summary.type, 'summary');
      for (const s of summary.sources) {
        assert.equal(ran.has(s.name), false, `${s.name} ran twice`);
        ran.set(s.name, start!.fleet.worker);
        assert.equal(s.state, 'done');
      }
      assert.equal(summary.fleet.worker, start!.fleet.worker);
      assert.deepEqual(summary.fleet.totals.states, { queued: 0, running: 0, done: 24 });
      assert.equal(summary.fleet.totals.persisted, 24 * 6 * 5);
    }
    assert.equal(ran.size, 24);
    const got = await records(pg);
    assert.deepEqual([got.n, got.distinct], [24 * 6 * 5, 24 * 6 * 5]);
    assert.equal(got.sum, (await reference(t, dir)).sum, 'the same records as one process alone');
  });

  it("Ctrl-C hands a worker's sources on at once: another finishes them from their committed cursor, nothing lost or doubled", async (t) => {
    const pg = await freshDatabase(t);
    if (!pg) return;
    const dir = sourcesDir({ count: 4, chunks: 12, latency: '60ms' });
    const a = worker(dir, pg, ['-c', '2']);
    await a.waitFor(/"type":"chunk"/);
    a.child.kill('SIGINT');
    const stopped = await a.result;
    assert.equal(stopped.code, 130, stopped.stderr);
    assert.match(stopped.stderr, /continue with: the same command with --fleet nightly/);
    const released = await pg.query<{ source: string; state: string; owner: string | null; next_seq: number }>(
      `SELECT source, state, owner, next_seq FROM ingest_sources WHERE run = $1 AND next_seq > 0 ORDER BY source`,
      [RUN],
    );
    assert.ok(released.length > 0, 'a worked on something before its Ctrl-C');
    for (const row of released) assert.deepEqual([row.state, row.owner], ['queued', null], `${row.source} handed back at once`);
    const b = await worker(dir, pg, ['-c', '2']).result;
    assert.equal(b.code, 0, b.stderr);
    for (const row of released) {
      const first = eventsOf(b.stdout, 'chunk').find((e) => e.source === row.source);
      assert.equal(first?.seq, row.next_seq, `${row.source} resumed where a committed`);
    }
    const got = await records(pg);
    assert.deepEqual([got.n, got.distinct], [4 * 12 * 5, 4 * 12 * 5]);
    assert.equal(got.sum, (await reference(t, dir)).sum);
  });

  it('a worker killed with SIGKILL: another takes its sources over (its process is gone) and resumes each from its cursor', async (t) => {
    const pg = await freshDatabase(t);
    if (!pg) return;
    const dir = sourcesDir({ count: 3, chunks: 12, latency: '60ms' });
    const a = worker(dir, pg, ['-c', '3']);
    await a.waitFor(/"type":"chunk".*\n.*"type":"chunk"/);
    const [start] = parseEvents(a.printed().stdout);
    a.child.kill('SIGKILL');
    await a.result;
    const b = await worker(dir, pg, ['-c', '3']).result;
    assert.equal(b.code, 0, b.stderr);
    const taken = eventsOf(b.stdout, 'source-start').filter((e) => e.takenFrom !== undefined);
    assert.ok(taken.length > 0, b.stdout);
    for (const e of taken) assert.equal(e.takenFrom, start!.fleet.worker);
    const got = await records(pg);
    assert.deepEqual([got.n, got.distinct], [3 * 12 * 5, 3 * 12 * 5]);
    assert.equal(got.sum, (await reference(t, dir)).sum);
  });

  it('a source another worker took (its lease lost) stops here as handed on, not failed: nothing of it committed twice', async (t) => {
    const pg = await freshDatabase(t);
    if (!pg) return;
    const dir = sourcesDir({ count: 1, chunks: 40, latency: '50ms' });
    const a = worker(dir, pg, []);
    await a.waitFor(/"type":"chunk"/);
    // Another machine's worker has it now, as if a's lease had run out while it was away.
    await pg.query(`UPDATE ingest_sources SET owner = 'elsewhere:1:abcdef', last_owner = 'elsewhere:1:abcdef', lease_until = now() + interval '1 hour'`);
    await a.waitFor(/"type":"source-end"/);
    const [end] = eventsOf(a.printed().stdout.slice(0, a.printed().stdout.lastIndexOf('\n')), 'source-end');
    assert.equal(end!.state, 'cancelled');
    assert.match(end!.error, /handed on/);
    // a waits for the run to end: the other worker finishes it.
    await pg.query(`UPDATE ingest_sources SET state = 'done', owner = NULL, lease_until = NULL`);
    const result = await a.result;
    assert.equal(result.code, 0, result.stderr);
    const got = await records(pg);
    assert.equal(got.n, got.distinct);
  });

  it('the kill loop, fleet mode: three workers, two of them stopped at random moments (SIGKILL or SIGINT) and replaced: 0 lost, 0 doubled', async (t) => {
    const pg = await freshDatabase(t);
    if (!pg) return;
    const sources = writeKillResumeSources(tempDir('ingest-fleet-kill-'));
    const reference = await referenceRun(sources, pg.url);
    const r = await fleetKillResumeRound({ sources, url: pg.url, run: RUN, reference, kills: 2, stopAfterMs: [150, 900] });
    assert.deepEqual(r.problems, []);
    assert.deepEqual([r.lost, r.doubled, r.wrong, r.found], [0, 0, 0, reference.size], r.stops.join(', '));
  });

  it('refused with one line and exit 2: without --sink postgres, with --resume, or with other sources or another --seed than the run', async (t) => {
    const pg = await freshDatabase(t);
    if (!pg) return;
    const dir = sourcesDir({ count: 2, chunks: 1, latency: '1ms' });
    const noSink = await runCli(['--sources', dir, '--fleet', RUN, '--no-ui']);
    assert.equal(noSink.code, 2);
    assert.match(noSink.stderr, /^ingest-tui: --fleet nightly shares the run through PostgreSQL: it goes with --sink postgres/);
    const resume = await runCli(['--sources', dir, '--sink', 'postgres', '--db', pg.url, '--fleet', RUN, '--resume', '--no-ui']);
    assert.equal(resume.code, 2);
    assert.match(resume.stderr, /always continues the run where each source committed: leave out --resume/);
    const first = await worker(dir, pg).result;
    assert.equal(first.code, 0, first.stderr);
    const before = await records(pg);
    const seed = await worker(dir, pg, ['--seed', '7']).result;
    assert.equal(seed.code, 2);
    assert.match(seed.stderr, /^ingest-tui: fleet run "nightly" in postgresql:.*: source "feed-0001" has another configuration or --seed than the run's/);
    assert.equal(seed.stderr.trim().split('\n').length, 1);
    assert.deepEqual(await records(pg), before, 'nothing written by the refused worker');
  });
});
