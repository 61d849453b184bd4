import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseEvents, runCli } from '../helpers/cli.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

describe('the bundled scenarios by name, from anywhere', () => {
  it('list prints every bundled scenario with its one-line description', async () => {
    const r = await runCli(['list'], { cwd: tempDir() });
    assert.equal(r.code, 0, r.stderr);
    for (const name of [
      'fixtures',
      'http',
      'many',
      'lecture/01-gather',
      'lecture/02-wait-timeout',
      'lecture/03-async-with',
      'lecture/04-streaming',
      'lecture/05-blocking',
      'lecture/06-c10k',
    ]) {
      assert.match(r.stdout, new RegExp(`^  ${name} +\\S`, 'm'), name);
    }
    assert.match(r.stdout, /lecture\/01-gather +01 · gather: three fetches at once/);
  });

  it('--sources lecture/01-gather and fixtures/lecture/01-gather run from a directory without fixtures/', async () => {
    for (const name of ['lecture/01-gather', 'fixtures/lecture/01-gather']) {
      const r = await runCli(['--sources', name, '--json', '--sink', 'none'], { cwd: tempDir() });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(parseEvents(r.stdout).at(-1)!.states.done, 3, name);
    }
  });

  it('a path of your own comes first, even when a bundled scenario has its name', async () => {
    const cwd = writeFiles(tempDir(), { 'lecture/01-gather/mine.json': { name: 'mine', kind: 'simulated', chunks: 1, latency: '1ms' } });
    const r = await runCli(['--sources', 'lecture/01-gather', '--json', '--sink', 'none'], { cwd });
    assert.deepEqual(
      parseEvents(r.stdout)
        .at(-1)!
        .sources.map((s: { name: string }) => s.name),
      ['mine'],
    );
  });

  it('a name in neither place says where it looked and the nearest bundled name; a name never leaves fixtures/', async () => {
    const cwd = tempDir();
    const r = await runCli(['--sources', 'lecture/01-gathr', '--no-ui'], { cwd });
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr.split('\n')[0],
      `ingest-tui: --sources lecture/01-gathr: not found here (${join(cwd, 'lecture/01-gathr')}) nor among the bundled scenarios; did you mean lecture/01-gather? (npx ingest-tui list)`,
    );
    const out = await runCli(['--sources', 'fixtures/../../package.json', '--no-ui'], { cwd });
    assert.equal(out.code, 2);
    assert.match(out.stderr, /not found here/);
  });
});

describe('did you mean', () => {
  it('unknown fields, kinds, flags and commands get the nearest name', async () => {
    const dir = writeFiles(tempDir(), { 'a.json': { name: 'a', kind: 'simulated', latncy: '1s' } });
    assert.match((await runCli(['--sources', dir])).stderr, /a\.json: latncy: unknown field \(did you mean "latency"\?\)/);
    writeFiles(dir, { 'a.json': { name: 'a', kind: 'simulatd' } });
    assert.match((await runCli(['--sources', dir])).stderr, /kind: unknown kind "simulatd" \(did you mean "simulated"\?\)/);
    writeFiles(dir, { 'a.json': { name: 'a', kind: 'simulated' }, 'ingest.json': { concurency: 3 } });
    assert.match((await runCli(['--sources', dir])).stderr, /ingest\.json: concurency: unknown field \(did you mean "concurrency"\?\)/);
    assert.match((await runCli(['--sourcs', dir])).stderr, /^ingest-tui: unknown option '--sourcs' \(did you mean --sources\?\)$/m);
    assert.match((await runCli(['serv'])).stderr, /^ingest-tui: unknown command "serv" \(did you mean serve\?\)$/m);
    const far = await runCli(['--xyzzy']);
    assert.match(far.stderr, /^ingest-tui: unknown option '--xyzzy'$/m, 'nothing near: no guess');
  });
});

describe('validate', () => {
  it('checks a sources directory without running it: what would run, exit 0', async () => {
    const r = await runCli(['validate', 'lecture/02-wait-timeout'], { cwd: tempDir() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /02-wait-timeout: ok · 3 sources \(3 simulated\) from 1 file\(s\) · concurrency 3 · deadline 1\.2s · lesson "02 · wait with a timeout/,
    );
    assert.match(r.stdout, /^ {2}job-2\.0s +simulated /m);
  });

  it('refuses what a run would refuse, with the same one line and exit 2, and runs nothing', async () => {
    const dir = writeFiles(tempDir(), { 'a.json': { name: 'e', kind: 'file', path: 'nope.ndjson' } });
    const missing = await runCli(['validate', dir]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /a\.json: path: .*nope\.ndjson: no such file\n$/);
    writeFiles(dir, { 'a.json': { name: 'e', kind: 'simulated', chunks: '3' } });
    const bad = await runCli(['validate', dir]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /a\.json: chunks: expected a number, got the string "3"\n$/);
    writeFiles(dir, { 'a.json': { name: 'e', kind: 'simulated', chunks: 1, latency: '1h' } });
    const slow = await runCli(['validate', dir]);
    assert.equal(slow.code, 0, 'an hour-long source validates in no time: nothing runs');
  });
});
