import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { describe, it, type TestContext } from 'node:test';
import { FleetFeed } from '../../src/fleet/feed.js';
import { watchFleet } from '../../src/fleet/watch.js';
import { connectDatabase } from '../../src/sinks/postgres/database.js';
import { postgresSink } from '../../src/sinks/postgres/sink.js';
import { ensureTables } from '../../src/sinks/postgres/tables.js';
import type { SinkChunk } from '../../src/sinks/sink.js';
import { parseEvents, runCli, startCli } from '../helpers/cli.js';
import { FakeTerminal, fakeKeyboard } from '../helpers/fake-tty.js';
import { freshDatabase, type TestDatabase } from '../helpers/postgres.js';

const RUN = 'nightly';
const NAMES = ['clicks', 'orders', 'payments', 'users'];

/**
 * The test's URL with a password in it, which the watcher must never print. Peer auth on the
 * local socket asks for none, so it is there only to be hidden.
 */
const withPassword = (url: string) =>
  url.startsWith('postgresql:///') ? url.replace('postgresql:///', `postgresql://${encodeURIComponent(userInfo().username)}:s3cret-pw@localhost/`) : url;

/** A run in progress: two workers, one source done, one failed, two held (one with rows committed). */
async function runInProgress(t: TestContext, pg: TestDatabase) {
  const db = await connectDatabase({ url: pg.url, max: 4 });
  await ensureTables(db);
  const targets = NAMES.map((name) => ({ name, kind: 'simulated', fingerprint: 'f' }));
  const join = (tag: string) => FleetFeed.join({ db, run: RUN, owner: `${hostname()}:${process.pid}:${tag}`, sources: [], targets });
  const a = await join('aaaaaa');
  const b = await join('bbbbbb');
  t.after(async () => {
    await a.close();
    await b.close();
    await db.close();
  });
  assert.equal((await a.claim())?.name, 'clicks');
  assert.equal((await b.claim())?.name, 'orders');
  assert.equal((await a.claim())?.name, 'payments');
  const sink = postgresSink(await connectDatabase({ url: pg.url }), a.owner, RUN);
  for (let seq = 0; seq < 3; seq++)
    await sink.write('clicks', {
      seq,
      lines: ['{"v":1}', '{"v":2}'],
      rejected: seq === 1 ? [{ index: 2, reason: 'bad', excerpt: '{' }] : [],
      cursor: { seq: seq + 1 },
    } as unknown as SinkChunk);
  await sink.close();
  assert.equal(await a.finish('clicks', 'done'), true);
  assert.equal(await a.finish('payments', 'failed', 'HTTP 503 after 3 retries'), true);
  // A different run beside it, which the watcher must not mix in.
  await FleetFeed.join({ db, run: 'other', owner: a.owner, sources: [], targets }).then((f) => f.close());
  return { a, b };
}

describe('ingest-tui fleet NAME (the built CLI, a real server)', () => {
  it('--json: the run in progress per worker and per source, a line per change, and exits 0 once every source is final', async (t) => {
    const pg = await freshDatabase(t);
    if (!pg) return;
    const { a, b } = await runInProgress(t, pg);
    const url = withPassword(pg.url);
    const watch = startCli(['fleet', RUN, '--db', url, '--json']);
    let printed = '';
    watch.child.stdout!.on('data', (text: string) => {
      printed += text;
    });
    await watch.waitFor(/"type":"fleet".*\n/);
    const [first] = parseEvents(printed.split('\n')[0]!);
    assert.equal(first!.run, RUN);
    assert.equal(first!.final, false);
    assert.deepEqual(first!.states, { done: 1, failed: 1, queued: 1, running: 1 });
    assert.deepEqual([first!.sources.length, first!.persisted, first!.deadLettered], [4, 6, 1]);
    assert.deepEqual(
      first!.workers.map((w: { worker: string; holding: number; finished: number; persisted: number }) => [w.worker, w.holding, w.finished, w.persisted]),
      [
        [a.owner, 0, 2, 6],
        [b.owner, 1, 0, 0],
      ],
    );
    assert.deepEqual(
      first!.sources.map((s: { name: string; state: string; owner?: string; nextSeq: number }) => [s.name, s.state, s.owner ?? null, s.nextSeq]),
      [
        ['clicks', 'done', null, 3],
        ['orders', 'running', b.owner, 0],
        ['payments', 'failed', null, 0],
        ['users', 'queued', null, 0],
      ],
    );
    // The rest of the run: each change is a line, the last one final.
    const users = await b.claim();
    assert.equal(users?.name, 'users');
    await watch.waitFor(/"name":"users","state":"running"/);
    await b.finish('orders', 'done');
    await b.finish('users', 'done');
    const r = await watch.result;
    assert.equal(r.code, 0, r.stderr);
    const lines = parseEvents(r.stdout);
    assert.ok(lines.length >= 3, `a line per change: ${r.stdout}`);
    assert.deepEqual(lines.at(-1)!.states, { queued: 0, running: 0, done: 3, failed: 1 });
    assert.equal(lines.at(-1)!.final, true);
    assert.doesNotMatch(r.stdout + r.stderr, /s3cret-pw/);
  });

  it('plain text: the picture with its workers and sources, the password hidden', async (t) => {
    const pg = await freshDatabase(t);
    if (!pg) return;
    const { b } = await runInProgress(t, pg);
    const watch = startCli(['fleet', RUN, '--db', withPassword(pg.url)]);
    await watch.waitFor(/^users +queued/m);
    await b.finish('orders', 'done');
    await (await b.claim().then(() => b)).finish('users', 'cancelled');
    const r = await watch.result;
    assert.equal(r.code, 0, r.stderr);
    const picture = r.stdout;
    const lines = picture.split('\n');
    assert.match(lines[0]!, /^fleet nightly · postgresql:\/\/.*(\*\*\*@|\/\/\/).* \(schema "public"\) · \d\d:\d\d:\d\d UTC$/);
    assert.equal(lines[1], '4 sources: 1 queued · 1 running · 1 done · 1 failed   persisted 6 · dead-lettered 1');
    assert.match(picture, /^worker +holding +finished +persisted +dead$/m);
    assert.match(picture, new RegExp(`^${hostname()}:${process.pid}:aaaaaa +0 +2 +6 +1$`, 'm'));
    assert.match(picture, new RegExp(`^orders +running +${hostname()}:${process.pid}:bbbbbb +0 +0 +0 +\\d+\\.\\ds$`, 'm'));
    assert.match(picture, /^payments +failed +\(.*:aaaaaa\) +0 +0 +0 +HTTP 503 after 3 retries$/m);
    assert.match(r.stdout, /\(every source is final\)/);
    assert.doesNotMatch(r.stdout + r.stderr, /s3cret-pw/);
  });

  it('an unknown run NAME: one line, exit 2, with the nearest run name', async (t) => {
    const pg = await freshDatabase(t);
    if (!pg) return;
    await runInProgress(t, pg);
    const r = await runCli(['fleet', 'nighlty', '--db', withPassword(pg.url)]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
    assert.match(r.stderr, /^ingest-tui: no fleet run "nighlty" in .* \(schema "public"\) \(did you mean "nightly"\?\)\n$/);
    assert.doesNotMatch(r.stderr, /s3cret-pw/);
    const empty = await freshDatabase(t);
    if (!empty) return;
    const none = await runCli(['fleet', `run-${randomBytes(2).toString('hex')}`, '--db', empty.url]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /: it holds no runs yet\n$/);
  });

  it('on a terminal: one picture redrawn in place, cut to the screen, and q leaves with the terminal put back', async (t) => {
    const pg = await freshDatabase(t);
    if (!pg) return;
    await runInProgress(t, pg);
    const screen = new FakeTerminal(100, 12);
    const keys = fakeKeyboard();
    const watching = watchFleet(
      { run: RUN, db: withPassword(pg.url), intervalMs: 50 },
      {
        out: screen as unknown as NodeJS.WriteStream,
        input: keys as unknown as NodeJS.ReadStream,
      },
    );
    // Two pictures drawn (the condition, not a fixed sleep), then q.
    while (screen.output.split('\x1b[H').length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    keys.write('q');
    assert.equal(await watching, 0);
    const frames = screen.output.split('\x1b[H');
    assert.equal(frames[0], '\x1b[?25l', 'the cursor hidden first');
    const last = frames.at(-2)!.split('\n');
    assert.ok(last.length <= 12, 'no taller than the screen');
    assert.match(last[0]!, /^fleet nightly · /);
    assert.match(last.at(-2)!, /… \d+ more lines \(a taller terminal shows them\)/);
    assert.ok(screen.output.endsWith('\x1b[?25h'), 'the cursor back');
    assert.deepEqual(keys.rawMode, [true, false]);
    assert.doesNotMatch(screen.output, /s3cret-pw/);
  });
});
