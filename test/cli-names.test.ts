import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import stringWidth from 'string-width';
import { parseEvents, runCli } from './helpers/cli.js';
import { RAW_CONTROL } from './helpers/controls.js';
import { tempDir, writeFiles } from './helpers/temp.js';

const sim = (name: string) => ({ name, kind: 'simulated', chunks: 2, recordsPerChunk: 3, latency: '5ms' });
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}\p{Default_Ignorable_Code_Point}]/u;

describe('ingest-tui (built CLI): source names', () => {
  it('a name that would pass for another one on screen is refused: exit 2, one line naming both files', async () => {
    const dir = writeFiles(tempDir(), { 'a.json': sim('orders'), 'b.json': sim('\u001b[32morders') });
    const r = await runCli(['--sources', dir, '--no-ui', '--out', join(dir, 'out')]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^ingest-tui: .*b\.json: name: source name "\\u001b\[32morders" looks the same as "orders" \(in .*a\.json\) once shown; rename one\n$/,
    );
    assert.doesNotMatch(r.stderr, RAW_CONTROL);
  });

  const names = ['orders', 'Orders', 'ORDERS', 'CON', 'aux.txt', 'or\u200bders', '注文', '\ufeffapi', 'nul.'];

  it('names that collide on a case-insensitive or Windows file system get distinct, valid files; the table stays aligned', async () => {
    const dir = writeFiles(tempDir(), { 'a.json': names.map(sim) });
    const out = join(dir, 'out');
    const r = await runCli(['--sources', dir, '--no-ui', '--out', out]);
    assert.equal(r.code, 0, r.stderr);

    const files = readdirSync(out).filter((f) => f.endsWith('.ndjson') && f !== 'dead-letter.ndjson');
    assert.equal(new Set(files.map((f) => f.toLowerCase())).size, names.length, files.join(' '));
    assert.ok(files.includes('orders.ndjson'), 'a plain lowercase name keeps its file name');
    for (const file of files) assert.doesNotMatch(file, /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
    const owners = files.map((f) => (JSON.parse(readFileSync(join(out, f), 'utf8').split('\n')[0]!) as { source: string }).source);
    assert.deepEqual(owners.sort(), [...names].sort(), 'each file holds its own source');
    const checkpoints = readdirSync(join(out, '.checkpoints')).filter((f) => f.endsWith('.json')); // not outputs.manifest
    assert.equal(new Set(checkpoints.map((f) => f.toLowerCase())).size, names.length, checkpoints.join(' '));

    const rows = r.stdout.split('\n').filter((l) => / done /.test(l) && !l.startsWith('states'));
    assert.equal(rows.length, names.length);
    const doneAt = rows.map((row) => stringWidth(row.slice(0, row.indexOf(' done '))));
    assert.deepEqual(new Set(doneAt).size, 1, `the state column starts at the same cell in every row:\n${rows.join('\n')}`);
    assert.ok(rows.some((row) => row.startsWith('or?ders ')) && rows.some((row) => row.startsWith('?api ')), 'invisible characters are shown');
    assert.doesNotMatch((r.stdout + r.stderr).replaceAll('\n', ''), HIDDEN);
  });

  it('--json carries no raw control, format or invisible character, and the exact names', async () => {
    const dir = writeFiles(tempDir(), { 'a.json': [...names, 'nel\u0085', 'line\u2028sep'].map(sim) });
    const r = await runCli(['--sources', dir, '--json', '--sink', 'none']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout.replaceAll('\n', ''), HIDDEN);
    const start = parseEvents(r.stdout)[0]!;
    assert.deepEqual(
      start.sources.map((s: { name: string }) => s.name),
      [...names, 'nel\u0085', 'line\u2028sep'],
    );
  });
});
