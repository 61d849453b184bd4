// --control and `ingest-tui attach` with the built CLI, over real Unix sockets. `npm run build` first.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { CLI, parseEvents, runCli, startCli } from '../helpers/cli.js';
import { controlClient } from '../helpers/control-client.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

// biome-ignore lint/suspicious/noExplicitAny: messages under test, asserted field by field
type Message = Record<string, any>;

/** Sources that run until told otherwise (or for minutes): the test decides when the run ends, by controls. */
function longSources() {
  return writeFiles(tempDir(), {
    'steady.json': { name: 'steady', kind: 'simulated', chunks: 100_000, latency: '20ms' },
    'second.json': { name: 'second', kind: 'simulated', chunks: 100_000, latency: '20ms' },
    'victim.json': { name: 'victim', kind: 'simulated', chunks: 10, latency: '20ms', hangAt: 1 },
  });
}

function cli(t: TestContext, args: string[], env: NodeJS.ProcessEnv = {}) {
  const started = startCli(args, { env });
  t.after(() => started.child.kill('SIGKILL'));
  return started;
}

/** A private directory, as $XDG_RUNTIME_DIR is. */
function runtimeDir() {
  const dir = tempDir('ingest-tui-xdg-');
  chmodSync(dir, 0o700);
  return dir;
}

describe('--control: a run others watch and steer over a local socket', () => {
  it('two viewers see the same events; a control from one lands and both see it; the socket is 0600 and gone after exit', { timeout: 60_000 }, async (t) => {
    const sock = join(tempDir(), 'run.sock');
    const run = cli(t, ['--sources', longSources(), '--json', '--sink', 'none', '-c', '4', '--control', sock]);
    await run.waitFor(/control socket/);
    assert.equal(statSync(sock).mode & 0o777, 0o600);
    assert.ok(statSync(sock).isSocket());

    const a = await controlClient(sock);
    const b = await controlClient(sock);
    for (const viewer of [a, b]) {
      const hello = await viewer.waitFor((m) => m.type === 'hello');
      assert.equal(hello.protocol, 1);
      await viewer.waitFor((m) => m.type === 'state');
      // Joined before the run said anything (the socket listens first) or after: the sources either way.
      const announced = await viewer.waitFor(
        (m) => (m.type === 'state' && m.snapshot.sources.length > 0) || (m.type === 'event' && m.event.type === 'run-start'),
        'the sources',
      );
      const sources = announced.type === 'state' ? announced.snapshot.sources : announced.event.sources;
      assert.deepEqual(
        sources.map((s: Message) => s.name),
        ['second', 'steady', 'victim'],
      );
    }
    const answer = await a.request({ op: 'setConcurrency', concurrency: 2 });
    assert.deepEqual(answer.answer, { op: 'setConcurrency', concurrency: 2, outcome: 'done' });
    for (const viewer of [a, b]) assert.equal((await viewer.waitForEvent((e) => e.type === 'concurrency', 'concurrency')).concurrency, 2);
    assert.equal(
      b.messages.some((m) => m.type === 'answer'),
      false,
      'an answer goes to the viewer that asked',
    );

    const victimRunning = (m: Message) =>
      (m.type === 'state' && m.snapshot.sources.some((s: Message) => s.name === 'victim' && s.state === 'running')) ||
      (m.type === 'event' && m.event.type === 'source-start' && m.event.source === 'victim');
    await b.waitFor(victimRunning, 'victim running');
    const cancelled = await b.request({ op: 'cancel', source: 'victim' });
    assert.equal(cancelled.answer.outcome, 'cancelled');
    for (const viewer of [a, b]) {
      const end = await viewer.waitForEvent((e) => e.type === 'source-end' && e.source === 'victim', 'victim ends');
      assert.equal(end.state, 'cancelled');
    }

    // B stops the run itself: both see its summary, then a goodbye.
    assert.equal((await b.request({ op: 'stop', kind: 'quit' })).answer.outcome, 'stopping');
    for (const viewer of [a, b]) {
      const summary = await viewer.waitForEvent((e) => e.type === 'summary', 'summary');
      assert.equal(summary.stoppedBy, 'quit');
      await viewer.waitFor((m) => m.type === 'bye', 'bye');
      await viewer.closed;
    }
    const r = await run.result;
    assert.equal(r.code, 0, r.stderr);
    const events = parseEvents(r.stdout);
    assert.equal(events[0]!.type, 'run-start');
    assert.equal(events[0]!.control, sock);
    // What the viewers saw is what --json printed, event for event, from where each joined.
    for (const viewer of [a, b]) {
      const seen = viewer.events();
      const from = events.findIndex((e) => JSON.stringify(e) === JSON.stringify(seen[0]));
      assert.ok(from >= 0);
      assert.deepEqual(seen, events.slice(from));
    }
    assert.equal(existsSync(sock), false, 'the socket is removed at exit');
  });

  it('a viewer killed mid-run, and one sending garbage, change nothing: the run ends as it would have', { timeout: 60_000 }, async (t) => {
    const xdg = runtimeDir();
    const env = { XDG_RUNTIME_DIR: xdg };
    const run = cli(t, ['--sources', longSources(), '--json', '--sink', 'none', '--control'], env);
    await run.waitFor(/control socket/);
    const dir = join(xdg, 'ingest-tui');
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const sock = join(dir, `run-${run.child.pid}.sock`);
    assert.equal(statSync(sock).mode & 0o777, 0o600);

    // `attach` without a socket finds the only live one; without a terminal it prints the messages.
    const viewer = spawn(process.execPath, [CLI, 'attach'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    t.after(() => viewer.kill('SIGKILL'));
    let printed = '';
    await new Promise<void>((done) =>
      viewer.stdout.setEncoding('utf8').on('data', (d: string) => {
        printed += d;
        if (/"type":"event"/.test(printed)) done();
      }),
    );
    assert.match(printed.split('\n')[0]!, /^\{"type":"state"/);
    viewer.kill('SIGKILL');
    await new Promise((done) => viewer.on('close', done));

    const rogue = await controlClient(sock);
    rogue.socket.write('{"type":"control","id":1,"request":{"op":"setConcurrency","concurrency":-5}}\n');
    const bye = await rogue.waitFor((m) => m.type === 'bye');
    assert.match(bye.reason, /bad message/);
    const long = await controlClient(sock);
    long.socket.write('x'.repeat(10_000));
    assert.match((await long.waitFor((m) => m.type === 'bye')).reason, /longer than/);

    const client = await controlClient(sock);
    await client.waitForEvent((e) => e.type === 'chunk' && e.source === 'steady', 'a chunk');
    await client.request({ op: 'stop', kind: 'quit' });
    const r = await run.result;
    assert.equal(r.code, 0, r.stderr);
    const events = parseEvents(r.stdout);
    const summary = events.at(-1)!;
    assert.equal(summary.type, 'summary');
    assert.equal(summary.stoppedBy, 'quit');
    assert.equal(events.filter((e) => e.type === 'concurrency').length, 0, 'the refused request did nothing');
    assert.equal(summary.records, summary.persisted + summary.deadLettered + summary.dropped);
    assert.equal(existsSync(sock), false);
  });

  it('a run killed with -9 leaves its socket: attach passes over it, the next run removes it and nothing else', { timeout: 30_000 }, async (t) => {
    const xdg = runtimeDir();
    const env = { XDG_RUNTIME_DIR: xdg };
    const dir = join(xdg, 'ingest-tui');
    const killed = cli(t, ['--sources', longSources(), '--json', '--sink', 'none', '--control'], env);
    await killed.waitFor(/control socket/);
    killed.child.kill('SIGKILL');
    await killed.result;
    const left = join(dir, `run-${killed.child.pid}.sock`);
    assert.ok(existsSync(left), 'kill -9 leaves no chance to clean up');
    writeFileSync(join(dir, 'run-1.sock'), 'a file, not a socket: not ours to remove\n');
    const none = await runCli(['attach'], { env });
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stderr, /no run is listening/);
    const next = cli(t, ['--sources', longSources(), '--json', '--sink', 'none', '--control'], env);
    await next.waitFor(/control socket/);
    assert.equal(existsSync(left), false, "the dead run's socket is gone");
    assert.ok(existsSync(join(dir, 'run-1.sock')));
    // A signal while the run still loads its sources (before it handles signals itself): it ends
    // by the signal, as it would have without --control, and its socket goes with it.
    next.child.kill('SIGTERM');
    const r = await next.result;
    assert.ok(r.code === 143 || r.signal === 'SIGTERM', `${r.code} ${r.signal}`);
    assert.equal(existsSync(join(dir, `run-${next.child.pid}.sock`)), false);
  });

  it('refuses a path where something already is, exit 2, and leaves it as it was', async () => {
    const path = join(tempDir(), 'taken');
    writeFileSync(path, 'not ours\n');
    const r = await runCli(['--sources', longSources(), '--json', '--sink', 'none', '--control', path]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /already exists/);
    assert.equal(r.stdout, '');
    assert.equal(readFileSync(path, 'utf8'), 'not ours\n');
  });

  it('attach with nothing to attach to: one line, exit 2', async () => {
    const env = { XDG_RUNTIME_DIR: runtimeDir() };
    const none = await runCli(['attach'], { env });
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stderr, /^ingest-tui: attach: no run is listening in .*ingest-tui/);
    assert.equal(none.stderr.trim().split('\n').length, 1);
    const missing = await runCli(['attach', join(tempDir(), 'nothing.sock')]);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /no such socket/);
    assert.equal(missing.stderr.trim().split('\n').length, 1);
  });

  it('attach with two runs listening: their list on one line, exit 2', { timeout: 30_000 }, async (t) => {
    const xdg = runtimeDir();
    const env = { XDG_RUNTIME_DIR: xdg };
    const runs = [
      cli(t, ['--sources', longSources(), '--json', '--sink', 'none', '--control'], env),
      cli(t, ['--sources', longSources(), '--json', '--sink', 'none', '--control'], env),
    ];
    for (const run of runs) await run.waitFor(/"source-start"/); // running, its signal handlers in place
    const r = await runCli(['attach'], { env });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    for (const run of runs) assert.ok(r.stderr.includes(`run-${run.child.pid}.sock`), r.stderr);
    for (const run of runs) run.child.kill('SIGTERM');
    for (const run of runs) assert.equal((await run.result).code, 143);
    assert.equal(existsSync(join(xdg, 'ingest-tui', `run-${runs[0]!.child.pid}.sock`)), false, 'SIGTERM removes the socket too');
  });
});

/** A stand-in for a run at `path` that says `lines` to whoever connects, then hangs up. */
async function fakeRun(t: TestContext, lines: string[]) {
  const path = join(tempDir(), 'fake.sock');
  const server = createServer((socket) => socket.end(lines.map((l) => `${l}\n`).join('')));
  t.after(() => server.close());
  await new Promise<void>((done) => server.listen(path, done));
  return path;
}

describe('attach: what a run sends is checked before use', () => {
  const hello = (protocol = 1) => JSON.stringify({ type: 'hello', protocol, version: '9.9.9', pid: 1 });

  it('a run of another protocol: one line, exit 1', async (t) => {
    const r = await runCli(['attach', await fakeRun(t, [hello(2)])]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^ingest-tui: attach: the run speaks control protocol 2, this attach speaks 1/);
    assert.equal(r.stdout, '');
  });

  it('escape sequences and invalid messages never reach the terminal as they are', async (t) => {
    const evil = '\u001b]0;pwned\u0007\u001b[2J\u009b31m';
    const raw = (text: string) => [...text].some((c) => c === '\u001b' || c === '\u0007' || c === '\u009b');
    const note = JSON.stringify({ type: 'event', event: { type: 'note', t: 1, source: evil, text: evil } });
    const bye = await runCli(['attach', await fakeRun(t, [hello(), note, JSON.stringify({ type: 'bye', reason: evil })])]);
    assert.equal(bye.code, 1);
    assert.match(bye.stderr, /the run let this viewer go before its end \(/);
    assert.match(bye.stdout, /"type":"note"/, 'printed, escaped');
    assert.equal(raw(bye.stdout + bye.stderr), false);
    const bad = await runCli(['attach', await fakeRun(t, [hello(), JSON.stringify({ type: 'event', event: { type: 'note', t: 1, source: evil } })])]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /does not understand \(event\.text/);
    assert.equal(bad.stdout, '');
    assert.equal(raw(bad.stderr), false);
  });
});

describe('--replay -', () => {
  it('plays a recording piped to stdin', { timeout: 30_000 }, async () => {
    const dir = writeFiles(tempDir(), { 'quick.json': { name: 'quick', kind: 'simulated', chunks: 3, latency: '5ms' } });
    const recording = join(tempDir(), 'run.ndjson');
    const recorded = await runCli(['--sources', dir, '--json', '--sink', 'none', '--record', recording]);
    assert.equal(recorded.code, 0, recorded.stderr);
    const child = spawn(process.execPath, [CLI, '--replay', '-', '--json', '--slowmo', '0.01'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.end(readFileSync(recording));
    const code = await new Promise((done) => child.on('close', done));
    assert.equal(code, 0, stderr);
    const played = parseEvents(stdout);
    const original = parseEvents(readFileSync(recording, 'utf8'));
    assert.deepEqual(
      played.map((e) => e.type),
      original.map((e) => e.type),
    );
    assert.equal(played.at(-1)!.records, 30);
  });

  it('a broken recording on stdin is named as stdin', async () => {
    const child = spawn(process.execPath, [CLI, '--replay', '-', '--json'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.end('\nnot json\n');
    const code = await new Promise((done) => child.on('close', done));
    assert.equal(code, 2);
    assert.match(stderr, /stdin:2: not a JSON event/);
  });
});
