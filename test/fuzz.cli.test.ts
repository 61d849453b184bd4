import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CLI } from './helpers/cli.js';
import { tempDir, writeFiles } from './helpers/temp.js';

/**
 * Hostile source files and flags through the real CLI: whatever they say, the process ends within
 * a bound, exits 0, 1 or 2, prints no stack trace and stays within a memory bound. A fixed seed
 * keeps `npm test` repeatable; INGEST_TUI_FUZZ_RUNS=500 (and INGEST_TUI_FUZZ_SEED) searches longer.
 */
const RUNS = Number(process.env.INGEST_TUI_FUZZ_RUNS ?? 25);
const SEED = Number(process.env.INGEST_TUI_FUZZ_SEED ?? 20261202);
const END_WITHIN_MS = 20_000;
const RSS_BOUND = 500 * 2 ** 20;

const hostileNumber = fc.oneof(fc.constantFrom(0, 1, -1, 1.5, 2 ** 31, 2 ** 53, 1e9, 1e12, 1e308, -1e308, 0.0001), fc.integer({ min: -5, max: 50 }));
const hostileString = fc.oneof(
  fc.constantFrom('', ' ', '20', '1000h', '1e23s', '600h', '24d', '25d', '1d', '10ms', '0ms', '5', 'abc', '-1s', 'NaN', 'Infinity', '1.5s'),
  fc.constantFrom('\u001b[2J\u001b[H', 'a\u200bb', 'CON', 'nul', '../../etc/passwd', '/dev/zero', '\u202eevil', 'x'.repeat(3000), 'é\u0301', '\ud800'),
  fc.string({ maxLength: 12 }),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileNumber },
  { weight: 4, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom(true, false, null, [], {}, [1, 2], { a: 1 }) },
);

const FIELDS: Record<string, string[]> = {
  simulated: ['chunks', 'recordsPerChunk', 'latency', 'jitter', 'payloadBytes', 'failAt', 'hangAt', 'badRecords', 'cleanup', 'timeout', 'count', 'cpuCost'],
  database: ['rows', 'chunkRows', 'connectDelay', 'rowDelay', 'closeDelay', 'failAtRow', 'timeout', 'count'],
  file: ['path', 'chunkRecords', 'timeout', 'count'],
  http: [
    'url',
    'format',
    'chunkRecords',
    'connectTimeout',
    'responseTimeout',
    'idleTimeout',
    'retries',
    'retryDelay',
    'maxRetryDelay',
    'maxBytes',
    'headers',
    'timeout',
  ],
};

/** `arbitrary` about one time in eight, else `otherwise`: a hostile part must not drown every case. */
const rarely = <T, U>(arbitrary: fc.Arbitrary<T>, otherwise: U) => fc.oneof({ weight: 7, arbitrary: fc.constant(otherwise) }, { weight: 1, arbitrary });

/** A value that field accepts and that keeps a run short, so that hostile values meet running code too. */
function saneValue(field: string): fc.Arbitrary<unknown> {
  if (/Delay|latency|[tT]imeout|cleanup|cpuCost/.test(field)) return fc.constantFrom('0ms', '1ms', '5ms', '20ms');
  if (field === 'jitter' || field === 'badRecords') return fc.double({ min: 0, max: 1, noNaN: true });
  if (field === 'path')
    return fc.constantFrom('data.ndjson', 'bad-utf8.ndjson', 'one-long-line.ndjson', '/dev/null', '/dev/zero', 'fifo', '.', 'missing.ndjson');
  if (field === 'url') return fc.constantFrom('http://127.0.0.1:9/orders.ndjson', 'http://[::1]:9/x', 'ftp://127.0.0.1/x');
  if (field === 'format') return fc.constantFrom('ndjson', 'json-pages');
  if (field === 'headers') return fc.constantFrom({}, { authorization: 'Bearer t' }, { 'x-a': '\u001b[31m' });
  if (field === 'maxBytes') return fc.constantFrom(100, '1kb', '10mb');
  return fc.integer({ min: 0, max: 5 });
}

/** A source object: a kind, some of its fields (mostly sane, some hostile), now and then a field no kind has. */
const sourceArb = fc
  .constantFrom('simulated', 'simulated', 'simulated', 'database', 'database', 'file', 'file', 'file', 'http', 'http', 'nope')
  .chain((kind) => {
    const fields = FIELDS[kind] ?? FIELDS.simulated!;
    const pick = fc
      .nat(fields.length - 1)
      .chain((i) => fc.tuple(fc.constant(fields[i]!), fc.oneof({ weight: 12, arbitrary: saneValue(fields[i]!) }, { weight: 1, arbitrary: hostileValue })));
    return fc.record({
      kind: fc.constant(kind),
      name: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('a', 'b', 'orders', 'Orders', 'CON', 'a\u200bb', '\u001b[31mred') },
        { weight: 1, arbitrary: hostileString },
      ),
      picks: fc.array(pick, { maxLength: 4 }),
      unknown: rarely(fc.constantFrom('latncy', 'chunk', '__proto__', 'constructor'), undefined),
      path: saneValue('path'),
    });
  })
  .map(({ kind, name, picks, unknown, path }) => {
    const source: Record<string, unknown> = { name, kind };
    if (kind === 'file') source.path = path;
    if (kind === 'http') source.url = 'http://127.0.0.1:9/orders.ndjson'; // a closed loopback port
    if (kind === 'simulated') Object.assign(source, { chunks: 2, latency: '5ms' }); // short unless a pick says otherwise
    for (const [field, value] of picks) source[field] = value;
    if (unknown) source[unknown] = 1;
    return source;
  });

/** A flag's value: usually one it takes, sometimes a hostile one. */
const flagValue = (...sane: string[]) =>
  fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...sane) }, { weight: 1, arbitrary: fc.oneof(hostileNumber.map(String), hostileString) });
const flagsArb = fc.array(
  fc.oneof(
    fc.tuple(fc.constant('--concurrency'), flagValue('1', '2', '16', '1000000')),
    fc.tuple(fc.constant('--timeout'), flagValue('1ms', '50ms', '1s', '24d')),
    fc.tuple(fc.constant('--slowmo'), flagValue('0.01', '0.5', '2', '1000')),
    fc.tuple(fc.constant('--seed'), flagValue('0', '-1', '42', '9007199254740991')),
    fc.tuple(fc.constant('--sink'), fc.constantFrom('ndjson', 'sqlite', 'none', 'ndjson', 'sqlite', 'none', 'mysql', '')),
    fc.constant(['--buffer-all']),
    fc.constant(['--resume']),
  ),
  { maxLength: 2 },
);

const caseArb = fc.record({
  files: fc.array(fc.oneof(sourceArb, fc.array(sourceArb, { minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 3 }),
  defaults: rarely(
    fc.dictionary(fc.constantFrom('concurrency', 'timeout', 'deadline', 'seed', 'slowmo', 'sink', 'nonsense'), hostileValue, { maxKeys: 2 }),
    undefined,
  ),
  flags: flagsArb,
});

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  ms: number;
  peakRss: number;
}

/** Runs the CLI, sampling its RSS; kills it (and reports so) if it outlives the bound. */
function runBounded(args: string[], cwd: string): Promise<Outcome> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', INGEST_TUI_GRACE: '2s' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let peakRss = 0;
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-20_000)));
  const sample = setInterval(() => {
    try {
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
      if (kb) peakRss = Math.max(peakRss, Number(kb) * 1024);
    } catch {
      // gone between two samples
    }
  }, 25);
  const killer = setTimeout(() => child.kill('SIGKILL'), END_WITHIN_MS);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearInterval(sample);
      clearTimeout(killer);
      resolve({ code, signal, stderr, ms: performance.now() - t0, peakRss });
    });
  });
}

/** The data files a generated file source may point at, beside the source files. */
const DATA = {
  'data.ndjson': `${Array.from({ length: 50 }, (_, i) => JSON.stringify({ i })).join('\n')}\n`,
  'one-long-line.ndjson': `{"x":"${'y'.repeat(2_000_000)}`,
  'bad-utf8.ndjson': Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x0a]),
};

const outcomes = new Map<number | null, number>();

describe('fuzz: hostile source files and flags', () => {
  it(`${RUNS} generated runs end in time, exit 0/1/2, print no stack and stay within ${RSS_BOUND / 2 ** 20} MiB`, {
    timeout: RUNS * (END_WITHIN_MS + 5000),
  }, async (t) => {
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ files, defaults, flags }) => {
        const dir = tempDir();
        const sourceFiles: Record<string, unknown> = {};
        for (const [name, content] of Object.entries(DATA)) sourceFiles[`src/${name}`] = content;
        for (const [i, f] of files.entries()) sourceFiles[`src/s${i}.json`] = f;
        if (defaults) sourceFiles['src/ingest.json'] = defaults;
        writeFiles(dir, sourceFiles);
        execFileSync('mkfifo', [join(dir, 'src', 'fifo')]); // nobody writes to it: a read that never answers
        const args = ['--sources', join(dir, 'src'), '--out', join(dir, 'out'), '--no-ui', '--deadline', '3s', ...flags.flat()];
        const r = await runBounded(args, dir);
        outcomes.set(r.code, (outcomes.get(r.code) ?? 0) + 1);
        if (process.env.INGEST_TUI_FUZZ_LOG) process.stderr.write(`${r.code} ${r.stderr.split('\n')[0]}\n`);
        const context = `ingest-tui ${args.join(' ')}\n${JSON.stringify(files)}\n${JSON.stringify(defaults)}\nstderr: ${r.stderr.slice(-2000)}`;
        assert.notEqual(r.signal, 'SIGKILL', `still running after ${END_WITHIN_MS} ms: ${context}`);
        assert.ok([0, 1, 2].includes(r.code!), `exit ${r.code} (${r.signal}): ${context}`);
        assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+\)?\n/, `a stack trace: ${context}`);
        assert.ok(r.peakRss < RSS_BOUND, `peak RSS ${(r.peakRss / 2 ** 20).toFixed(0)} MiB: ${context}`);
        if (r.code === 2)
          assert.equal(
            r.stderr
              .trim()
              .split('\n')
              .filter((l) => l !== 'Try ingest-tui --help').length,
            1,
            `a usage error is one line: ${context}`,
          );
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    t.diagnostic(`exit codes: ${[...outcomes].map(([code, n]) => `${code}×${n}`).join(', ')}`);
    // Most generated cases are refused, but enough must run for the property to mean anything.
    assert.ok((outcomes.get(0) ?? 0) + (outcomes.get(1) ?? 0) >= RUNS / 10, 'too few generated runs got past validation');
  });
});
