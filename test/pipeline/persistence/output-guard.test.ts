import assert from 'node:assert/strict';
import { linkSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createSources, loadSources } from '../../../src/pipeline/config.js';
import { type PlannedWrite, refuseOverlaps, runInputs } from '../../../src/pipeline/persistence/output-guard.js';
import { tempDir, writeFiles } from '../../helpers/temp.js';

const out = (path: string, what = 'source "a"\'s records'): PlannedWrite => ({ path, flag: '--out out', what });
const refused = (writes: PlannedWrite[], inputs: Parameters<typeof refuseOverlaps>[1], pattern: RegExp) =>
  assert.throws(
    () => refuseOverlaps(writes, inputs),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, 'E_OVERWRITE');
      assert.match(err.message, pattern);
      return true;
    },
  );

describe('refuseOverlaps', () => {
  it('an output on a file the run reads, named by both paths', () => {
    const dir = writeFiles(tempDir(), { 'in.ndjson': '{}\n' });
    refused(
      [out(join(dir, 'in.ndjson'))],
      [{ path: join(dir, 'in.ndjson'), what: 'source "a" reads (s.json: path)' }],
      /^--out out: would overwrite .*in\.ndjson, which source "a" reads \(s\.json: path\)$/,
    );
  });

  it('through a symlink: the output is a link to the input, or the input a link into --out, or --out a link to the inputs', () => {
    const dir = writeFiles(tempDir(), { 'data/in.ndjson': '{}\n', 'data/s.json': '{}' });
    mkdirSync(join(dir, 'out'));
    symlinkSync(join(dir, 'data', 'in.ndjson'), join(dir, 'out', 'a.ndjson'));
    const input = { path: join(dir, 'data', 'in.ndjson'), what: 'is read' };
    refused([out(join(dir, 'out', 'a.ndjson'))], [input], /would overwrite .*out\/a\.ndjson, which is read/);
    symlinkSync(join(dir, 'out', 'b.ndjson'), join(dir, 'data', 'link.ndjson')); // dangling until the run writes b
    refused([out(join(dir, 'out', 'b.ndjson'))], [{ path: join(dir, 'data', 'link.ndjson'), what: 'is read' }], /would overwrite .*out\/b\.ndjson/);
    symlinkSync(join(dir, 'data'), join(dir, 'linked-out'));
    refused([out(join(dir, 'linked-out', 'in.ndjson'))], [input], /would overwrite .*linked-out\/in\.ndjson/);
  });

  it('a hard link to the input', () => {
    const dir = writeFiles(tempDir(), { 'in.ndjson': '{}\n' });
    mkdirSync(join(dir, 'out'));
    linkSync(join(dir, 'in.ndjson'), join(dir, 'out', 'a.ndjson'));
    refused([out(join(dir, 'out', 'a.ndjson'))], [{ path: join(dir, 'in.ndjson'), what: 'is read' }], /would overwrite .*out\/a\.ndjson, which is read/);
  });

  it('two outputs on one file: --record on a sink file, also through a dangling link', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'out'));
    const record = { path: join(dir, 'out', 'a.ndjson'), flag: '--record r', what: 'the event recording' };
    refused([out(join(dir, 'out', 'a.ndjson')), record], [], /^--record r: would overwrite .*out\/a\.ndjson, where --out out writes source "a"'s records$/);
    symlinkSync(join(dir, 'r.ndjson'), join(dir, 'out', 'b.ndjson'));
    refused([out(join(dir, 'out', 'b.ndjson')), { ...record, path: join(dir, 'r.ndjson') }], [], /where --out out writes/);
  });

  it('a *.json written straight into the sources directory (it would be read as a source)', () => {
    const dir = tempDir();
    const inputs = [{ path: join(dir, 'out', '.checkpoints'), what: '--sources out/.checkpoints', sourcesDirectory: true }];
    refused(
      [out(join(dir, 'out', '.checkpoints', 'a.json'))],
      inputs,
      /would write .*\.checkpoints\/a\.json into the sources directory \(--sources out\/\.checkpoints\)/,
    );
    refuseOverlaps([out(join(dir, 'out', '.checkpoints', 'a.json.tmp')), out(join(dir, 'out', 'a.json'))], inputs);
  });

  it('allows --out in the sources directory when no file overlaps', () => {
    const dir = writeFiles(tempDir(), { 'in.ndjson': '{}\n', 's.json': '{}' });
    refuseOverlaps(
      [out(join(dir, 'a.ndjson')), out(join(dir, '.checkpoints', 'a.json'))],
      [
        { path: join(dir, 'in.ndjson'), what: 'is read' },
        { path: join(dir, 's.json'), what: 'is a source file' },
        { path: dir, what: '--sources .', sourcesDirectory: true },
      ],
    );
  });
});

describe('runInputs', () => {
  it("the source files, ingest.json, the directory, and each file source's path once", async () => {
    const dir = writeFiles(tempDir(), {
      'ingest.json': {},
      'files.json': [
        { name: 'one', kind: 'file', path: 'data.ndjson', count: 3 },
        { name: 'sim', kind: 'simulated' },
      ],
    });
    const loaded = await loadSources(dir);
    const inputs = runInputs(loaded, createSources(loaded.configs, { seed: 1, slowmo: 1 }), '--sources d');
    assert.deepEqual(
      inputs.map((i) => [i.path.slice(dir.length), i.what]),
      [
        ['/files.json', 'is a source file (--sources d)'],
        ['/ingest.json', 'holds the run defaults (--sources d)'],
        ['', '--sources d'],
        ['/data.ndjson', `source "one-0001" reads (${join(dir, 'files.json').replace(`${process.cwd()}/`, '')}: path)`],
      ],
    );
  });
});
