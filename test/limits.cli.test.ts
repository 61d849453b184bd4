import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseDuration } from '../src/util/parse-duration.js';
import { runCli } from './helpers/cli.js';
import { startTestServer } from './helpers/http.js';
import { tempDir, writeFiles } from './helpers/temp.js';

const sim = (extra: Record<string, unknown> = {}) => ({ name: 'a', kind: 'simulated', chunks: 1, recordsPerChunk: 1, latency: '1ms', ...extra });

/** A refused run: exit 2, one line on stderr (plus the --help hint for flags), nothing written to --out. */
async function refused(args: string[], files: Record<string, unknown> = { 'a.json': sim() }, env: NodeJS.ProcessEnv = {}) {
  const dir = writeFiles(tempDir(), files);
  const out = join(dir, 'out');
  const r = await runCli(['--sources', dir, '--no-ui', '--out', out, ...args], { env });
  assert.equal(r.code, 2, `exit code (stderr: ${r.stderr})`);
  const lines = r.stderr
    .trim()
    .split('\n')
    .filter((l) => l !== 'Try ingest-tui --help');
  assert.equal(lines.length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(existsSync(out), false, '--out untouched');
  return lines[0]!;
}

describe('every duration is in range or refused, the same way everywhere', () => {
  it('one parser: ms, s, m, h and d up to 24 days; never exponents, signs or overflow', () => {
    assert.deepEqual(parseDuration('1d'), { ms: 86_400_000 });
    assert.deepEqual(parseDuration('24d'), { ms: 24 * 86_400_000 });
    assert.deepEqual(parseDuration(' 1.5 s '), { ms: 1500 });
    for (const text of ['25d', '600h', '1000h', '1e23s', '-1s', '1', 'abc', '', 'Infinity ms', `${'9'.repeat(400)}s`]) {
      assert.ok('error' in parseDuration(text), text);
    }
  });

  it('--deadline and --timeout past 24 days are refused (not a deadline that fires in 1 ms)', async () => {
    assert.match(await refused(['--deadline', '1000h']), /^ingest-tui: --deadline: "1000h" is longer than the longest duration, 24d$/);
    assert.match(await refused(['--timeout', '597h']), /--timeout: "597h" is longer/);
  });

  it('the same bound in ingest.json and in source files, naming the file and the field', async () => {
    assert.match(
      await refused([], { 'ingest.json': { deadline: '999h' }, 'a.json': sim() }),
      /ingest\.json: deadline: "999h" is longer than the longest duration, 24d$/,
    );
    assert.match(await refused([], { 'a.json': sim({ timeout: '1000h' }) }), /a\.json: timeout: "1000h" is longer/);
    assert.match(await refused([], { 'a.json': sim({ latency: '1000h' }) }), /a\.json: latency: "1000h" is longer/);
    const http = { name: 'h', kind: 'http', url: 'http://127.0.0.1:9/x', maxRetryDelay: '1000h' };
    assert.match(await refused([], { 'h.json': http }), /h\.json: maxRetryDelay: "1000h" is longer/);
  });

  it('INGEST_TUI_GRACE that is not a duration is refused, not silently 5 s', async () => {
    assert.match(
      await refused([], undefined, { INGEST_TUI_GRACE: 'abc' }),
      /^ingest-tui: INGEST_TUI_GRACE: expected a duration like 500ms, 1\.2s, 2m or 1h, got "abc"$/,
    );
    assert.match(await refused([], undefined, { INGEST_TUI_GRACE: '1000h' }), /INGEST_TUI_GRACE: "1000h" is longer/);
  });
});

describe('every number has a bound', () => {
  it('--slowmo, --concurrency and --seed within their bounds', async () => {
    assert.match(await refused(['--slowmo', '1e9']), /--slowmo takes a number from 0\.01 to 1,000, got "1e9"/);
    assert.match(await refused(['--concurrency', '2000000']), /--concurrency takes a whole number from 1 to 1,000,000/);
    assert.match(await refused(['--seed', '1e300']), /--seed takes a whole number/);
  });

  it('a chunk that would not fit in memory is refused before anything runs', async () => {
    assert.match(await refused([], { 'a.json': sim({ recordsPerChunk: 1e9 }) }), /a\.json: recordsPerChunk: at most 100,000, got 1,000,000,000$/);
    assert.match(
      await refused([], { 'a.json': sim({ recordsPerChunk: 100_000, payloadBytes: 1_000_000 }) }),
      /recordsPerChunk: recordsPerChunk × payloadBytes makes a chunk larger than 64 MiB/,
    );
    assert.match(
      await refused([], { 'd.json': { name: 'd', kind: 'database', rows: 1e12, chunkRows: 1e9 } }),
      /d\.json: rows: at most 1,000,000,000, got 1,000,000,000,000$/,
    );
    assert.match(await refused([], { 'a.json': sim({ cpuCost: '1h' }) }), /cpuCost: at most 10s/);
  });

  it('a wrong type says what was expected and what was given, not "missing"', async () => {
    assert.match(
      await refused([], { 'a.json': sim({ chunks: '20' }) }),
      /a\.json: chunks: expected a whole number, got the string "20"$|a\.json: chunks: expected a number, got the string "20"$/,
    );
    assert.match(await refused([], { 'a.json': sim({ jitter: true }) }), /jitter: expected a number, got true$/);
    assert.match(await refused([], { 'a.json': sim({ name: undefined }) }), /a\.json: name: missing \(expected a string\)$/);
    assert.match(
      await refused([], { 'ingest.json': { concurrency: [3] }, 'a.json': sim() }),
      /ingest\.json: concurrency: expected a whole number, got an array$|concurrency: expected a number, got an array$/,
    );
  });

  it('serve --port outside 0-65535 is a usage error, not ERR_SOCKET_BAD_PORT', async () => {
    const r = await runCli(['serve', '--port', '99999']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^ingest-tui: --port takes a whole number from 0 to 65,535, got "99999"\n/);
  });

  it('--out, --sources, --record and --replay refuse an empty path', async () => {
    assert.match(await refused(['--out', '']), /--out takes a path, got an empty one/);
    assert.match(await refused(['--record', ' ']), /--record takes a path, got an empty one/);
  });
});

describe('the offline server bounds what a URL can ask for', () => {
  it('a page of a billion items is refused with 400, and the server goes on answering', async (t) => {
    const server = await startTestServer(t);
    const huge = await fetch(`${server.url}/pages/1?pages=1e9&per=1e9`);
    assert.equal(huge.status, 400);
    assert.deepEqual(await huge.json(), { error: 'per: expected a whole number from 0 to 10000, got "1e9"' });
    const fine = await fetch(`${server.url}/pages/1?pages=1000000000&per=3`);
    assert.equal(fine.status, 200);
    assert.equal(((await fine.json()) as { items: unknown[] }).items.length, 3);
    const delay = await fetch(`${server.url}/orders.ndjson?delay=1000h`);
    assert.equal(delay.status, 400);
  });
});
