import assert from 'node:assert/strict';
import { linkSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type CliResult, runCli } from './helpers/cli.js';
import { tempDir, treeOf, writeFiles } from './helpers/temp.js';

// "Never destroy what the tool did not write": a run refuses, before it writes anything, to
// overwrite what it reads, and starting over removes only files it wrote itself.

const EVENTS = `${Array.from({ length: 100 }, (_, i) => JSON.stringify({ line: i })).join('\n')}\n`;
const fileSource = (name: string, path: string) => ({ name, kind: 'file', path });

/** Exit 2, exactly one line on stderr matching `pattern`, no stack, nothing on stdout. */
function assertRefused(r: CliResult, pattern: RegExp) {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line: ${r.stderr}`);
  assert.match(lines[0]!, pattern);
  assert.equal(r.stdout, '');
}

describe('outputs that would land on inputs are refused (built CLI)', () => {
  it('--out is the sources directory and a sink file is the input: exit 2, one line, the input intact', async () => {
    const root = tempDir();
    writeFiles(join(root, 'same'), { 'events.ndjson': EVENTS, 's.json': fileSource('events', 'events.ndjson') });
    const before = treeOf(join(root, 'same'));
    const r = await runCli(['--sources', 'same', '--no-ui', '--out', 'same'], { cwd: root });
    assertRefused(r, /^ingest-tui: --out same: would overwrite same\/events\.ndjson, which source "events" reads \(same\/s\.json: path\)$/);
    assert.deepEqual(treeOf(join(root, 'same')), before, 'nothing in --out touched: no .checkpoints, no dead letters');
  });

  it("through symlinks: --out a link to the sources directory, or the source's path a link into --out", async () => {
    const root = tempDir();
    writeFiles(join(root, 'same'), { 'events.ndjson': EVENTS, 's.json': fileSource('events', 'events.ndjson') });
    symlinkSync('same', join(root, 'linked'));
    const before = treeOf(join(root, 'same'));
    assertRefused(
      await runCli(['--sources', 'same', '--no-ui', '--out', 'linked'], { cwd: root }),
      /^ingest-tui: --out linked: would overwrite linked\/events\.ndjson, which source "events" reads/,
    );
    assert.deepEqual(treeOf(join(root, 'same')), before);

    writeFiles(join(root, 'out'), { 'data.ndjson': EVENTS });
    writeFiles(join(root, 'src'), { 's.json': fileSource('data', 'via-link.ndjson') });
    symlinkSync(join(root, 'out', 'data.ndjson'), join(root, 'src', 'via-link.ndjson'));
    assertRefused(
      await runCli(['--sources', 'src', '--no-ui', '--out', 'out'], { cwd: root }),
      /^ingest-tui: --out out: would overwrite out\/data\.ndjson, which source "data" reads \(src\/s\.json: path\)$/,
    );
    assert.equal(readFileSync(join(root, 'out', 'data.ndjson'), 'utf8'), EVENTS);
  });

  it('a hard link to the input in --out: exit 2, both names intact', async () => {
    const root = tempDir();
    writeFiles(join(root, 'src'), { 'events.ndjson': EVENTS, 's.json': fileSource('events', 'events.ndjson') });
    mkdirSync(join(root, 'out'));
    linkSync(join(root, 'src', 'events.ndjson'), join(root, 'out', 'events.ndjson'));
    assertRefused(
      await runCli(['--sources', 'src', '--no-ui', '--out', 'out'], { cwd: root }),
      /^ingest-tui: --out out: would overwrite out\/events\.ndjson, which source "events" reads \(src\/s\.json: path\)$/,
    );
    assert.equal(readFileSync(join(root, 'src', 'events.ndjson'), 'utf8'), EVENTS);
    assert.deepEqual(Object.keys(treeOf(join(root, 'out'))), ['events.ndjson']);
  });

  it('--record on an input or on an output: exit 2, one line', async () => {
    const root = tempDir();
    writeFiles(join(root, 'src'), { 'events.ndjson': EVENTS, 's.json': fileSource('events', 'events.ndjson') });
    const run = (record: string) => runCli(['--sources', 'src', '--no-ui', '--out', 'out', '--record', record], { cwd: root });
    assertRefused(
      await run('src/events.ndjson'),
      /^ingest-tui: --record src\/events\.ndjson: would overwrite src\/events\.ndjson, which source "events" reads/,
    );
    assertRefused(await run('src/s.json'), /^ingest-tui: --record src\/s\.json: would overwrite src\/s\.json, which is a source file \(--sources src\)$/);
    assertRefused(
      await run('out/events.ndjson'),
      /^ingest-tui: --record out\/events\.ndjson: would overwrite out\/events\.ndjson, where --out out writes source "events"'s records$/,
    );
    assert.equal(readFileSync(join(root, 'src', 'events.ndjson'), 'utf8'), EVENTS);
    assert.deepEqual(treeOf(join(root, 'out')), {});
  });

  it('--sources inside --out/.checkpoints: a checkpoint would become a source file', async () => {
    const root = tempDir();
    writeFiles(join(root, 'out', '.checkpoints'), { 'a.json': { name: 'b', kind: 'simulated', chunks: 1 } });
    const before = treeOf(join(root, 'out'));
    assertRefused(
      await runCli(['--sources', 'out/.checkpoints', '--no-ui', '--out', 'out'], { cwd: root }),
      /^ingest-tui: --out out: would write out\/\.checkpoints\/b\.json into the sources directory \(--sources out\/\.checkpoints\)/,
    );
    assert.deepEqual(treeOf(join(root, 'out')), before);
  });

  it('--out in the sources directory is fine when nothing overlaps: the input is read whole', async () => {
    const root = tempDir();
    writeFiles(join(root, 'same'), { 'events.ndjson': EVENTS, 's.json': fileSource('ev', 'events.ndjson') });
    for (const sink of ['ndjson', 'sqlite']) {
      const r = await runCli(['--sources', 'same', '--no-ui', '--out', 'same', '--sink', sink], { cwd: root });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /\n *ev +done +1 +100 /);
      assert.equal(readFileSync(join(root, 'same', 'events.ndjson'), 'utf8'), EVENTS);
    }
  });

  it('--out "" is a usage error, not the current directory', async () => {
    const root = writeFiles(tempDir(), { 's.json': { name: 'a', kind: 'simulated', chunks: 1 } });
    const r = await runCli(['--sources', 's.json', '--no-ui', '--out', ''], { cwd: root });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^ingest-tui: (.*)?--out takes a path, got an empty one$/m);
    assert.deepEqual(Object.keys(treeOf(root)), ['s.json']);
  });
});

describe('starting over removes only what ingest-tui wrote (built CLI)', () => {
  const sim = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    kind: 'simulated',
    chunks: 3,
    recordsPerChunk: 4,
    latency: '1ms',
    badRecords: 0.25,
    ...extra,
  });
  const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);
  /** A sources directory beside an --out holding `files`, as the user left it. */
  function setUp(files: Record<string, string>, sources: unknown = [sim('a')]) {
    const root = tempDir();
    writeFiles(join(root, 'src'), { 's.json': sources });
    if (Object.keys(files).length > 0) writeFiles(join(root, 'out'), files);
    else mkdirSync(join(root, 'out'));
    const run = (...args: string[]) => runCli(['--sources', 'src', '--out', 'out', '--no-ui', ...args], { cwd: root });
    return { root, out: join(root, 'out'), run };
  }

  for (const [file, args] of [
    ['a.ndjson', []],
    ['dead-letter.ndjson', []],
    ['ingest.sqlite', ['--sink', 'sqlite']],
    ['.checkpoints/a.json', []],
  ] as const) {
    it(`a foreign ${file} in --out is refused, not deleted or opened, and nothing else in --out changes`, async () => {
      const { out, run } = setUp({ [file]: "the user's own data\n", 'notes.txt': 'keep\n' });
      const before = treeOf(out);
      for (const resume of [[], ['--resume']]) {
        if (resume.length > 0 && file.startsWith('.checkpoints')) continue; // --resume reads it: a corrupt checkpoint, refused as such
        assertRefused(
          await run(...args, ...resume),
          new RegExp(`^ingest-tui: --out out: out/${file.replace(/\./g, '\\.')} exists and was not written by ingest-tui; move it or choose another --out$`),
        );
        assert.deepEqual(treeOf(out), before);
      }
    });
  }

  it('a second and third fresh run over its own outputs start over as before (ndjson and sqlite)', async () => {
    const { out, run } = setUp({ 'other.ndjson': '{"keep":true}\n' }, [sim('a'), sim('b')]);
    for (let round = 0; round < 3; round++) {
      const r = await run();
      assert.equal(r.code, 0, r.stderr);
      const deadLetters = lines(join(out, 'dead-letter.ndjson')).length;
      assert.equal(lines(join(out, 'a.ndjson')).length + lines(join(out, 'b.ndjson')).length + deadLetters, 24, `round ${round}: nothing doubled`);
    }
    for (let round = 0; round < 2; round++) assert.equal((await run('--sink', 'sqlite')).code, 0);
    assert.equal(readFileSync(join(out, 'other.ndjson'), 'utf8'), '{"keep":true}\n', 'a file of no source of the run is left alone');
  });

  it('an output the user changed after the run is refused on the next fresh run and kept; once moved away, the run goes ahead', async () => {
    const { out, run } = setUp({});
    assert.equal((await run()).code, 0);
    writeFiles(out, { 'a.ndjson': 'edited by hand\n' });
    assertRefused(await run(), /^ingest-tui: --out out: out\/a\.ndjson changed since ingest-tui wrote it; move it or choose another --out$/);
    assert.equal(readFileSync(join(out, 'a.ndjson'), 'utf8'), 'edited by hand\n');
    rmSync(join(out, 'a.ndjson'));
    assert.equal((await run()).code, 0);
  });

  it('--resume continues a cancelled run; appending to its output after the run is refused instead of cut away', async () => {
    const { out, run } = setUp({}, [sim('slow', { chunks: 40, latency: '25ms', badRecords: 0 })]);
    const first = await run('--deadline', '300ms');
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /slow +cancelled/);
    const resumed = await run('--resume');
    assert.equal(resumed.code, 0, resumed.stderr);
    const keys = lines(join(out, 'slow.ndjson')).map((l) => JSON.stringify(JSON.parse(l)._ingest));
    assert.deepEqual([keys.length, new Set(keys).size], [160, 160], 'every record once');
    writeFiles(out, { 'slow.ndjson': `${readFileSync(join(out, 'slow.ndjson'), 'utf8')}{"appended":"by hand"}\n` });
    assertRefused(
      await run('--resume'),
      /^ingest-tui: --out out: out\/slow\.ndjson grew since ingest-tui wrote it \(--resume would cut it back to its checkpoint\); move it or choose another --out$/,
    );
    assert.match(readFileSync(join(out, 'slow.ndjson'), 'utf8'), /"appended":"by hand"/);
  });

  it('an --out from before the manifest: outputs with a checkpoint of ours start over, one without is refused', async () => {
    const { out, run } = setUp({}, [sim('a'), sim('b')]);
    assert.equal((await run()).code, 0);
    rmSync(join(out, '.checkpoints', 'outputs.manifest')); // what an older ingest-tui left
    assert.equal((await run()).code, 0, 'the checkpoints vouch for a.ndjson, b.ndjson and the dead letters');
    rmSync(join(out, '.checkpoints', 'outputs.manifest'));
    rmSync(join(out, '.checkpoints', 'b.json'));
    assertRefused(await run(), /^ingest-tui: --out out: out\/b\.ndjson exists and was not written by ingest-tui/);
  });
});
