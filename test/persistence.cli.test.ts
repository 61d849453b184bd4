import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { parseEvents, runCli, startCli } from './helpers/cli.js';
import { RAW_CONTROL } from './helpers/controls.js';
import { checkpointsBehind, killResumeRound, readOutput, type Sink, writeKillResumeSources } from './helpers/kill-resume.js';
import { mountTmpfs, remountTmpfs } from './helpers/mount.js';
import { tempDir, writeFiles } from './helpers/temp.js';

const sim = (name: string, extra: Record<string, unknown> = {}) => ({ name, kind: 'simulated', chunks: 3, recordsPerChunk: 4, latency: '5ms', ...extra });
const checkpointOf = (out: string, file: string) => JSON.parse(readFileSync(join(out, '.checkpoints', file), 'utf8'));
/** A checkpoint that may not have been written yet: none means "from the start". */
const checkpointOrStart = (out: string, file: string) =>
  existsSync(join(out, '.checkpoints', file)) ? checkpointOf(out, file) : { cursor: { seq: 0 }, position: { bytes: 0 } };
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);

describe('kill -9, Ctrl-C and --resume (built CLI)', () => {
  const dir = tempDir();
  const sources = writeKillResumeSources(join(dir, 'sources'));
  let reference: Map<string, string[]>;

  it('an uninterrupted reference run', async () => {
    const r = await runCli(['--sources', sources, '--out', join(dir, 'reference'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    reference = readOutput(join(dir, 'reference'), 'ndjson');
    assert.ok(reference.size > 8000);
    assert.ok(
      [...reference.keys()].some((k) => k.startsWith('dead-letter ')),
      'the reference has dead letters too',
    );
  });

  for (const sink of ['ndjson', 'sqlite'] as Sink[]) {
    it(`${sink}: stopped at random moments (SIGKILL, SIGINT, SIGTERM, two SIGINTs) and resumed, nothing lost or doubled`, async () => {
      for (let round = 0; round < 1; round++) {
        const r = await killResumeRound({ sources, out: join(dir, `${sink}-${round}`), sink, reference, kills: 3, firstKillMs: [200, 900] });
        assert.ok(
          r.stops.some((stop) => !stop.includes('too late')),
          'at least one run was stopped mid-way',
        );
        assert.deepEqual(r.problems, [], r.stops.join(', '));
        assert.deepEqual(
          { lost: r.lost, doubled: r.doubled, wrong: r.wrong, found: r.found },
          { lost: 0, doubled: 0, wrong: 0, found: reference.size },
          r.stops.join(', '),
        );
      }
    });
  }
});

describe('two-stage Ctrl-C (built CLI)', () => {
  const slowSources = (dir: string, closeDelay = '10ms', tickerChunks = 1000) =>
    writeFiles(dir, {
      'a.json': [
        sim('ticker', { chunks: tickerChunks, latency: '10ms' }),
        { name: 'db', kind: 'database', rows: 100_000, chunkRows: 10, rowDelay: '1ms', connectDelay: '10ms', closeDelay },
      ],
    });

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal} drains: in-flight chunks persist, checkpoints match the files, a receipt on stderr, exit ${code}`, async () => {
      const dir = slowSources(tempDir());
      const out = join(dir, 'out');
      const cli = startCli(['--sources', dir, '--out', out, '--json']);
      await cli.waitFor(/"type":"chunk","t":\d+,"source":"db","seq":3,/);
      cli.child.kill(signal);
      const r = await cli.result;
      assert.equal(r.code, code);
      const summary = parseEvents(r.stdout).at(-1)!;
      assert.equal(summary.stoppedBy, signal);
      assert.match(
        r.stderr,
        new RegExp(`drain receipt · ${signal}: drained, outputs flushed and closed · persisted ${summary.persisted.toLocaleString('en-US')} `),
      );
      for (const s of summary.sources) {
        assert.equal(s.records, s.persisted + s.deadLettered + s.dropped);
        assert.match(r.stderr, new RegExp(`\\n  ${s.name} +cancelled +${s.persisted.toLocaleString('en-US')} +0  ${s.chunks.toLocaleString('en-US')} chunks`));
        const cp = checkpointOf(out, `${s.name}.json`);
        assert.equal(cp.cursor.seq, s.chunks, 'the checkpoint is at the last persisted chunk');
        assert.equal(cp.position.bytes, statSync(join(out, `${s.name}.ndjson`)).size, 'and at the end of its file');
        assert.equal(lines(join(out, `${s.name}.ndjson`)).length, s.persisted);
      }
      assert.match(r.stderr, /continue with: --resume --out /);
      assert.deepEqual(checkpointsBehind(r, out), []);
    });
  }

  /** The checkpoint is never ahead of the data: everything before it is in the file, whole lines. */
  const assertBehindData = (out: string, name: string) => {
    const cp = checkpointOrStart(out, `${name}.json`);
    const text = readFileSync(join(out, `${name}.ndjson`), 'utf8').slice(0, cp.position.bytes);
    assert.ok(text === '' || text.endsWith('\n'), 'whole lines up to the checkpoint');
    const seqs = text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l)._ingest.seq as number);
    assert.deepEqual(
      [...new Set(seqs)],
      Array.from({ length: cp.cursor?.seq ?? 0 }, (_, i) => i),
      `${name}: every chunk before the checkpoint`,
    );
  };
  const resumeTicker = async (dir: string, out: string) => {
    const only = writeFiles(dir, { 'a.json': [sim('ticker', { chunks: 80, latency: '10ms' })] });
    const r = await runCli(['--sources', only, '--out', out, '--no-ui', '--resume']);
    assert.equal(r.code, 0, r.stderr);
    const keys = lines(join(out, 'ticker.ndjson')).map((l) => JSON.stringify(JSON.parse(l)._ingest));
    assert.equal(keys.length, 320);
    assert.equal(new Set(keys).size, 320, 'no record twice');
  };

  it('a cleanup that hangs is cut off after the grace period; --resume then loses and doubles nothing', async () => {
    const dir = slowSources(tempDir(), '10s', 80);
    const out = join(dir, 'out');
    const cli = startCli(['--sources', dir, '--out', out, '--json'], { env: { INGEST_TUI_GRACE: '1s' } });
    await cli.waitFor(/"source":"db","seq":2,/);
    const t0 = performance.now();
    cli.child.kill('SIGINT');
    const r = await cli.result;
    const ms = performance.now() - t0;
    assert.equal(r.code, 130);
    assert.ok(ms >= 900 && ms < 6000, `left after ${Math.round(ms)}ms`);
    assert.match(r.stderr, /drain receipt · SIGINT: grace period of 1\.00s ran out, leaving .* · 1 still stopping/);
    assert.match(r.stderr, /\n {2}db +stopping +[\d,]+ +0 {2}(\d+ chunks|none)/);
    assert.match(r.stderr, /\n {2}ticker +cancelled +[\d,]+ +0 {2}\d+ chunks/);
    assertBehindData(out, 'db');
    assertBehindData(out, 'ticker');
    await resumeTicker(dir, out);
  });

  it('a second Ctrl-C leaves at once; --resume then loses and doubles nothing', async () => {
    const dir = slowSources(tempDir(), '10s', 80);
    const out = join(dir, 'out');
    const cli = startCli(['--sources', dir, '--out', out, '--json'], { env: { INGEST_TUI_GRACE: '20s' } });
    await cli.waitFor(/"source":"db","seq":2,/);
    cli.child.kill('SIGINT');
    await cli.waitFor(/"type":"stopping"/);
    const t0 = performance.now();
    cli.child.kill('SIGINT');
    const r = await cli.result;
    assert.equal(r.code, 130);
    assert.ok(performance.now() - t0 < 3000, 'left at once');
    assert.match(r.stderr, /drain receipt · second SIGINT: leaving at once/);
    assertBehindData(out, 'db');
    await resumeTicker(dir, out);
  });
});

describe('checkpoints that do not fit are refused (built CLI)', () => {
  async function finishedRun(extra: Record<string, unknown> = {}) {
    const dir = writeFiles(tempDir(), { 'a.json': [sim('a', extra), sim('b')] });
    const out = join(dir, 'out');
    const r = await runCli(['--sources', dir, '--out', out, '--no-ui']);
    assert.equal(r.code, 0, r.stderr);
    return { dir, out };
  }
  const refused = async (args: string[], pattern: RegExp) => {
    const r = await runCli([...args, '--no-ui', '--resume']);
    assert.equal(r.code, 2, r.stderr);
    const [line, ...rest] = r.stderr.trim().split('\n');
    assert.match(line!, pattern);
    assert.deepEqual(rest, args.includes('none') ? ['Try ingest-tui --help'] : [], 'one line');
    assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
  };

  it('a corrupt checkpoint: not JSON, or JSON of the wrong shape', async () => {
    const { dir, out } = await finishedRun();
    writeFileSync(join(out, '.checkpoints', 'a.json'), '{"format":"ingest-tui/checkp');
    await refused(['--sources', dir, '--out', out], /\.checkpoints\/a\.json: corrupt checkpoint \(not JSON\); run without --resume to start over$/m);
    writeFileSync(join(out, '.checkpoints', 'a.json'), JSON.stringify({ ...checkpointOf(out, 'b.json'), source: 'a', cursor: { seq: -4 } }));
    await refused(['--sources', dir, '--out', out], /\.checkpoints\/a\.json: corrupt checkpoint \(cursor\.seq: /);
  });

  it('a checkpoint of another configuration, seed or sink', async () => {
    const { dir, out } = await finishedRun();
    await refused(['--sources', dir, '--out', out, '--seed', '9'], /a\.json: the source's configuration or --seed changed since the checkpoint/);
    await refused(['--sources', dir, '--out', out, '--sink', 'sqlite'], /a\.json: checkpoint was written with --sink ndjson, this run uses --sink sqlite/);
    writeFiles(dir, { 'a.json': [sim('a', { chunks: 4 }), sim('b')] });
    await refused(['--sources', dir, '--out', out], /a\.json: the source's configuration or --seed changed/);
    await refused(['--sources', dir, '--out', out, '--sink', 'none'], /--resume needs --sink ndjson, sqlite or postgres/);
  });

  it('an output shorter than its checkpoint (edited after the run)', async () => {
    const { dir, out } = await finishedRun();
    writeFileSync(join(out, 'a.ndjson'), 'x\n');
    await refused(['--sources', dir, '--out', out], /a\.ndjson: 2 bytes, but its checkpoint says \d+ bytes were persisted/);
  });

  it('without --resume a run starts over: old checkpoints and outputs of its sources go, others stay', async () => {
    const dir = writeFiles(tempDir(), { 'a.json': [sim('a', { chunks: 50, latency: '20ms' })] });
    const out = join(dir, 'out');
    const cli = startCli(['--sources', dir, '--out', out, '--json']);
    await cli.waitFor(/"source":"a","seq":2,/);
    cli.child.kill('SIGKILL');
    await cli.result;
    writeFileSync(join(out, 'other.ndjson'), '{"keep":true}\n');
    writeFiles(dir, { 'a.json': [sim('a', { chunks: 2 })] });
    const r = await runCli(['--sources', dir, '--out', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(lines(join(out, 'a.ndjson')).length, 8);
    assert.deepEqual(checkpointOf(out, 'a.json').cursor, { seq: 2 });
    assert.equal(readFileSync(join(out, 'other.ndjson'), 'utf8'), '{"keep":true}\n');
  });
});

describe('disk faults (built CLI)', () => {
  it('an --out that cannot be a directory: one line, exit 2', async () => {
    const dir = writeFiles(tempDir(), { 'a.json': sim('a'), 'file.txt': 'not a directory' });
    for (const sink of ['ndjson', 'sqlite']) {
      const r = await runCli(['--sources', dir, '--out', join(dir, 'file.txt', 'out'), '--sink', sink, '--no-ui']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^ingest-tui: --out .*file\.txt\/out: cannot write there \(ENOTDIR/);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
  });

  it('a read-only --out (a read-only mount): one line, exit 2, nothing written', async (t) => {
    const dir = writeFiles(tempDir(), { 'a.json': sim('a') });
    const out = mountTmpfs(t, { size: '1m', readOnly: true });
    if (!out) return t.skip('cannot mount a tmpfs here (needs root)');
    for (const sink of ['ndjson', 'sqlite']) {
      const r = await runCli(['--sources', dir, '--out', out, '--sink', sink, '--no-ui']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^ingest-tui: --out .*mnt-\w+: cannot write there \(EROFS/);
    }
  });

  for (const sink of ['ndjson', 'sqlite'] as Sink[]) {
    it(`${sink}: a full disk fails the writes with a clear error, the checkpoint stays behind the data, --resume completes after space is freed`, async (t) => {
      const dir = writeFiles(tempDir(), { 'a.json': [sim('big', { chunks: 150, recordsPerChunk: 20, payloadBytes: 400, latency: '1ms' }), sim('small')] });
      const refOut = join(dir, 'reference');
      assert.equal((await runCli(['--sources', dir, '--out', refOut, '--no-ui'])).code, 0);
      const out = mountTmpfs(t, { size: '256k' });
      if (!out) return t.skip('cannot mount a tmpfs here (needs root)');
      const r = await runCli(['--sources', dir, '--out', out, '--sink', sink, '--json']);
      assert.equal(r.code, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/, 'no stack trace');
      const summary = parseEvents(r.stdout).at(-1)!;
      const big = summary.sources.find((s: { name: string }) => s.name === 'big');
      assert.equal(big.state, 'failed');
      assert.match(big.error, /ENOSPC|SQLITE_FULL|disk is full/);
      assert.equal(summary.records, summary.persisted + summary.deadLettered + summary.dropped);
      // The last checkpoint may not fit on the full disk either: then an older one (or none) stands.
      const cp = checkpointOrStart(out, 'big.json');
      assert.ok(cp.cursor.seq < 150);
      const persisted = [...readOutput(out, sink).keys()].filter((k) => k.startsWith('record big/'));
      for (let seq = 0; seq < cp.cursor.seq; seq++)
        for (let i = 0; i < 20; i++) assert.ok(persisted.includes(`record big/${seq}/${i}`), `chunk ${seq} before the checkpoint is there`);
      if (sink === 'ndjson') assert.ok(cp.position.bytes <= statSync(join(out, 'big.ndjson')).size);

      remountTmpfs(out, '16m');
      const resumed = await runCli(['--sources', dir, '--out', out, '--sink', sink, '--no-ui', '--resume']);
      assert.equal(resumed.code, 0, resumed.stderr);
      const reference = readOutput(refOut, 'ndjson');
      const result = readOutput(out, sink);
      assert.equal(result.size, reference.size);
      for (const [key, [text]] of reference) assert.deepEqual(result.get(key), [text], key);
    });
  }
});

describe('hostile source names (built CLI)', () => {
  const hostile = [
    '../../escaped',
    '/abs/path',
    'evil\u001b[2J\u0007bell',
    'c1\u009b31mred',
    'rtl\u202eevil',
    'new\nline',
    'dead-letter',
    '..',
    'x'.repeat(400),
    'Orders',
    'orders',
  ];

  it('files stay inside --out with safe unique names; nothing raw reaches the terminal; Ctrl-C and --resume work by name', async () => {
    const root = tempDir();
    const dir = writeFiles(join(root, 'sources'), {
      'a.json': hostile.map((name) => sim(name, { chunks: 30, recordsPerChunk: 3, latency: '50ms', badRecords: 0.05 })),
    });
    const out = join(root, 'out');
    const cli = startCli(['--sources', dir, '--out', out, '--no-ui', '-c', '20']);
    // The first progress line comes a second in, halfway through the sources' 1.5 s.
    await cli.waitFor(/finished · [\d,]+ records/);
    cli.child.kill('SIGINT');
    const stopped = await cli.result;
    assert.equal(stopped.code, 130);
    assert.match(stopped.stderr, /drain receipt/);
    const resumed = await runCli(['--sources', dir, '--out', out, '--no-ui', '--resume']);
    assert.equal(resumed.code, 0, resumed.stderr);
    for (const output of [stopped.stdout, stopped.stderr, resumed.stdout, resumed.stderr]) assert.doesNotMatch(output, RAW_CONTROL);

    assert.deepEqual(readdirSync(root).sort(), ['out', 'sources']);
    assert.equal(existsSync('/abs/path'), false);
    assert.equal(existsSync(join(dirname(root), 'escaped')), false);
    const files = readdirSync(out).filter((f) => f !== '.checkpoints');
    for (const file of [...files, ...readdirSync(join(out, '.checkpoints'))]) assert.match(file, /^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$/);
    assert.equal(files.filter((f) => f.endsWith('.ndjson') && f !== 'dead-letter.ndjson').length, hostile.length, 'one file per source, none shared');
    // Every source's file holds its 90 records exactly once (the dead letters aside).
    const found = readOutput(out, 'ndjson');
    for (const name of hostile) {
      const records = [...found.entries()].filter(([k]) => /^(?:record|dead-letter) ([\s\S]*)\/\d+\/\d+$/.exec(k)?.[1] === name);
      assert.equal(records.length, 90, JSON.stringify(name).slice(0, 40));
      assert.ok(records.every(([, texts]) => texts.length === 1));
    }
    const deadLetters = lines(join(out, 'dead-letter.ndjson'));
    assert.ok(
      deadLetters.every((l) => !RAW_CONTROL.test(l)),
      'dead letters are escaped JSON',
    );
  });

  it('an empty name is refused with exit 2', async () => {
    const dir = writeFiles(tempDir(), { 'a.json': sim('') });
    const r = await runCli(['--sources', dir, '--no-ui', '--sink', 'none']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /a\.json: name: must not be empty/);
  });
});
