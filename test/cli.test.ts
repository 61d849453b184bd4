import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseEvents, runCli, startCli } from './helpers/cli.js';
import { RAW_CONTROL } from './helpers/controls.js';
import { tempDir, writeFiles } from './helpers/temp.js';

const sim = (name: string, extra: Record<string, unknown> = {}) => ({ name, kind: 'simulated', chunks: 3, recordsPerChunk: 4, latency: '10ms', ...extra });

describe('ingest-tui (built CLI)', () => {
  it('--help lists every flag of the contract with an example; --version prints the version', async () => {
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    for (const flag of [
      '--sources',
      '--concurrency',
      '--timeout',
      '--deadline',
      '--out',
      '--sink',
      '--no-ui',
      '--json',
      '--resume',
      '--seed',
      '--slowmo',
      '--offload',
      '--record',
      '--replay',
      '--help',
      '--version',
      'serve',
    ]) {
      assert.ok(help.stdout.includes(flag), `help mentions ${flag}`);
    }
    assert.match(help.stdout, /Examples:/);
    const version = await runCli(['--version']);
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    assert.equal(version.stdout.trim(), pkg.version);
  });

  it('usage errors exit 2 with one line and no stack trace', async () => {
    for (const args of [['--concurrency', '0'], ['--timeout', 'soon'], ['--sink', 'mysql'], ['--bogus']]) {
      const r = await runCli(args);
      assert.equal(r.code, 2, `${args.join(' ')} exits 2`);
      assert.match(r.stderr, /^ingest-tui: .+\nTry ingest-tui --help\n$/);
      assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
    }
  });

  it('configuration errors exit 2 naming the file and field', async () => {
    const dir = writeFiles(tempDir(), { 'bad.json': sim('a', { chunks: -3 }) });
    const r = await runCli(['--sources', dir, '--no-ui']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.json: chunks: /);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.equal(r.stdout, '');
  });

  it('--json prints NDJSON events ending in a summary with every contract field; exit 0 when all done', async () => {
    const dir = writeFiles(tempDir(), { 'a.json': [sim('a'), sim('b', { badRecords: 0.5 })] });
    const out = join(dir, 'out');
    const r = await runCli(['--sources', dir, '--json', '--out', out, '--seed', '7']);
    assert.equal(r.code, 0, r.stderr);
    const events = parseEvents(r.stdout);
    assert.equal(events[0]!.type, 'run-start');
    const summary = events.at(-1)!;
    assert.equal(summary.type, 'summary');
    for (const key of ['wallMs', 'busyMs', 'speedup', 'states', 'records', 'bytes', 'persisted', 'deadLettered', 'peakRssBytes', 'maxLoopLagMs', 'sources']) {
      assert.ok(key in summary, `summary has ${key}`);
    }
    for (const s of summary.sources) for (const key of ['name', 'state', 'chunks', 'records', 'bytes', 'ms']) assert.ok(key in s, `source has ${key}`);
    assert.equal(summary.records, 24);
    assert.equal(summary.records, summary.persisted + summary.deadLettered + summary.dropped);
    assert.ok(summary.deadLettered > 0);
    for (const e of events) assert.equal(typeof e.t, 'number');
    assert.ok(events.some((e) => e.type === 'metrics'));
    // Files written: one per source plus dead letters, lines that parse.
    const files = readdirSync(out).sort();
    assert.deepEqual(files, ['.checkpoints', 'a.ndjson', 'b.ndjson', 'dead-letter.ndjson']);
    const lines = readFileSync(join(out, 'a.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 12);
    assert.deepEqual(lines[0]._ingest, { source: 'a', seq: 0, index: 0 });
    const dead = readFileSync(join(out, 'dead-letter.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(dead.length, summary.deadLettered);
    assert.equal(dead[0].source, 'b');
  });

  it('exits 1 when a source fails or times out; the deadline cancels and still exits 0', async () => {
    const failing = writeFiles(tempDir(), { 'a.json': [sim('ok'), sim('bad', { failAt: 1 })] });
    assert.equal((await runCli(['--sources', failing, '--no-ui', '--sink', 'none'])).code, 1);
    const hanging = writeFiles(tempDir(), { 'a.json': [sim('ok'), sim('stuck', { hangAt: 1 })] });
    const timedOut = await runCli(['--sources', hanging, '--no-ui', '--sink', 'none', '--timeout', '200ms']);
    assert.equal(timedOut.code, 1);
    assert.match(timedOut.stdout, /stuck\s+timed out/);
    const deadline = await runCli(['--sources', hanging, '--json', '--sink', 'none', '--deadline', '300ms']);
    assert.equal(deadline.code, 0);
    const summary = parseEvents(deadline.stdout).at(-1)!;
    assert.equal(summary.stoppedBy, 'deadline');
    assert.deepEqual(summary.states, { queued: 0, running: 0, done: 1, failed: 0, 'timed-out': 0, cancelled: 1 });
  });

  it('--no-ui: progress on stderr, the summary table on stdout; hostile names are shown safely', async () => {
    const dir = writeFiles(tempDir(), { 'a.json': [sim('plain'), sim('evil\u001b[2J\u0007name')] });
    const r = await runCli(['--sources', dir, '--no-ui', '--out', join(dir, 'out')]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^source\s+state/m);
    assert.match(r.stdout, /records\s+24 read = 24 persisted \+ 0 dead-lettered \+ 0 dropped/);
    assert.match(r.stderr, /plain started/);
    assert.doesNotMatch(r.stdout + r.stderr, RAW_CONTROL);
    for (const file of readdirSync(join(dir, 'out'))) assert.match(file, /^[A-Za-z0-9._-]+$/);
  });

  it('SIGINT stops gracefully: exit 130, cleanup ran, output files closed and valid', async () => {
    const dir = writeFiles(tempDir(), {
      'a.json': [sim('slow', { chunks: 1000, latency: '20ms' }), { name: 'db', kind: 'database', rows: 10_000, rowDelay: '2ms', connectDelay: '10ms' }],
    });
    const out = join(dir, 'out');
    const cli = startCli(['--sources', dir, '--json', '--out', out]);
    await cli.waitFor(/"type":"chunk","t":\d+,"source":"db"/);
    cli.child.kill('SIGINT');
    const r = await cli.result;
    assert.equal(r.code, 130);
    const events = parseEvents(r.stdout);
    const summary = events.at(-1)!;
    assert.equal(summary.type, 'summary');
    assert.equal(summary.stoppedBy, 'SIGINT');
    assert.ok(
      events.some((e) => e.type === 'note' && e.source === 'db' && e.text === 'connection closed'),
      'the database closed its connection',
    );
    for (const s of summary.sources) {
      assert.equal(s.state, 'cancelled');
      const lines = readFileSync(join(out, `${s.name}.ndjson`), 'utf8');
      assert.ok(lines.endsWith('\n'), 'no torn last line');
      assert.equal(
        lines
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l)).length,
        s.persisted,
      );
    }
  });

  it('runs the bundled demo when --sources is not given', async () => {
    const dir = tempDir();
    const r = await runCli(['--json', '--sink', 'none', '--deadline', '300ms'], { cwd: dir });
    const start = parseEvents(r.stdout)[0]!;
    assert.ok(start.sources.some((s: { name: string }) => s.name === 'orders'));
    assert.equal(existsSync(join(dir, 'ingest-out')), false, '--sink none writes nothing');
  });

  it('--ui json is --json, --ui plain is --no-ui, --ui dashboard without a terminal is a usage error', async () => {
    const dir = writeFiles(tempDir(), { 'a.json': { name: 'quick', kind: 'simulated', chunks: 1, latency: '1ms' } });
    const json = await runCli(['--sources', dir, '--ui', 'json', '--sink', 'none']);
    assert.equal(JSON.parse(json.stdout.trim().split('\n').at(-1)!).type, 'summary');
    const plain = await runCli(['--sources', dir, '--ui', 'plain', '--sink', 'none']);
    assert.match(plain.stderr, /ingest-tui: 1 source · concurrency/);
    const dashboard = await runCli(['--sources', dir, '--ui', 'dashboard', '--sink', 'none']);
    assert.equal(dashboard.code, 2);
    assert.match(dashboard.stderr, /^ingest-tui: --ui dashboard needs a terminal: stdout is not one/);
  });
});
