import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type FileToReset, MANIFEST_FILE, readOwnership } from '../../../src/pipeline/persistence/ownership.js';
import { tempDir, writeFiles } from '../../helpers/temp.js';

/** An --out with a manifest in .checkpoints/, as a run leaves it. */
function outDir(files: Record<string, string> = {}) {
  const out = writeFiles(tempDir(), files);
  mkdirSync(join(out, '.checkpoints'), { recursive: true });
  return { out, manifest: join(out, '.checkpoints', MANIFEST_FILE) };
}
const refusal = (pattern: RegExp) => (err: Error & { code?: string }) => {
  assert.equal(err.code, 'E_OVERWRITE');
  assert.match(err.message, pattern);
  return true;
};
const reset = (out: string, name: string, extra: Partial<FileToReset> = {}): FileToReset => ({ path: join(out, name), vouched: false, ...extra });

describe('ownership of the files in --out', () => {
  it('a file already there that no manifest lists is refused, unless a checkpoint vouches for it; absent files are fine', async () => {
    const { out, manifest } = outDir({ 'a.ndjson': 'mine\n' });
    const ownership = await readOwnership(out, manifest);
    assert.throws(
      () => ownership.check([reset(out, 'missing.ndjson'), reset(out, 'a.ndjson')]),
      refusal(/: .*a\.ndjson exists and was not written by ingest-tui; move it or choose another --out$/),
    );
    ownership.check([reset(out, 'a.ndjson', { vouched: true }), reset(out, 'missing.ndjson')]);
  });

  it('claimed files are ours; once sealed, only as long as they look the same', async () => {
    const { out, manifest } = outDir();
    const first = await readOwnership(out, manifest);
    await first.claim([join(out, 'a.ndjson'), join(out, 'never-written.ndjson')]);
    writeFileSync(join(out, 'a.ndjson'), 'ours\n');
    (await readOwnership(out, manifest)).check([reset(out, 'a.ndjson')]); // killed before sealing: listed is enough
    await first.seal();
    assert.deepEqual(Object.keys(JSON.parse(readFileSync(manifest, 'utf8')).files), ['a.ndjson'], 'a file never written is not kept listed');
    (await readOwnership(out, manifest)).check([reset(out, 'a.ndjson')]);

    utimesSync(join(out, 'a.ndjson'), new Date(), new Date(2000, 0, 1)); // same size, touched
    const next = await readOwnership(out, manifest);
    assert.throws(() => next.check([reset(out, 'a.ndjson')]), refusal(/a\.ndjson changed since ingest-tui wrote it/));
  });

  it('--resume (kept): only a file grown since is refused; cutting back our own tail is fine', async () => {
    const { out, manifest } = outDir();
    const ownership = await readOwnership(out, manifest);
    await ownership.claim([join(out, 'a.ndjson')]);
    writeFileSync(join(out, 'a.ndjson'), 'one\ntwo\n');
    await ownership.seal();
    truncateSync(join(out, 'a.ndjson'), 4);
    (await readOwnership(out, manifest)).check([reset(out, 'a.ndjson', { kept: true, vouched: true })]);
    appendFileSync(join(out, 'a.ndjson'), 'someone else\n');
    const later = await readOwnership(out, manifest);
    assert.throws(
      () => later.check([reset(out, 'a.ndjson', { kept: true, vouched: true })]),
      refusal(/a\.ndjson grew since ingest-tui wrote it \(--resume would cut it back to its checkpoint\)/),
    );
  });

  it('a corrupt manifest is refused, not guessed around', async () => {
    const { out, manifest } = outDir();
    writeFileSync(manifest, '{"format":"ingest-tui/outp');
    await assert.rejects(readOwnership(out, manifest), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'E_CHECKPOINT');
      assert.match(err.message, /outputs\.manifest: corrupt list of the files ingest-tui wrote/);
      return true;
    });
  });
});
