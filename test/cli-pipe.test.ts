import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { CLI, type CliResult, parseEvents, runCli } from './helpers/cli.js';
import { tempDir, writeFiles } from './helpers/temp.js';

const CHUNKS = 60;
const PER_CHUNK = 5;
const names = ['alpha', 'beta', 'gamma'];
const sources = names.map((name) => ({ name, kind: 'simulated', chunks: CHUNKS, recordsPerChunk: PER_CHUNK, latency: '20ms', cleanup: '30ms' }));

/**
 * The built CLI with `broken` (its stdout or stderr) a real pipe whose read side is closed once
 * `lines` lines (by default 1, as `| head -1`) match `pattern`; the other stream is read to the end.
 */
function runWithReaderGone(args: string[], broken: 'stdout' | 'stderr', lines = 1, pattern = /^/): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const text = { stdout: '', stderr: '' };
  const kept = broken === 'stdout' ? 'stderr' : 'stdout';
  child[kept].setEncoding('utf8').on('data', (d: string) => (text[kept] += d));
  const head: Readable = child[broken];
  const enough = () =>
    text[broken]
      .split('\n')
      .slice(0, -1)
      .filter((l) => pattern.test(l)).length >= lines;
  head.setEncoding('utf8').on('data', (d: string) => {
    if (enough()) return;
    text[broken] += d;
    if (enough()) head.destroy(); // the reader goes away, mid-run
  });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, ...text })));
}

/** What each source's NDJSON file and checkpoint say: they must agree, line for line and byte for byte. */
function outputsOf(out: string) {
  return names.map((name) => {
    const file = join(out, `${name}.ndjson`);
    const text = readFileSync(file, 'utf8');
    const checkpoint = JSON.parse(readFileSync(join(out, '.checkpoints', `${name}.json`), 'utf8'));
    const records =
      text === ''
        ? []
        : text
            .trimEnd()
            .split('\n')
            .map((l) => JSON.parse(l) as { seq: number; index: number });
    assert.ok(text === '' || text.endsWith('\n'), `${name}: no torn last line`);
    assert.equal(statSync(file).size, checkpoint.position?.bytes ?? 0, `${name}: the checkpoint has the file's length`);
    assert.equal(records.length, (checkpoint.cursor?.seq ?? 0) * PER_CHUNK, `${name}: the checkpoint is past every persisted chunk`);
    return { name, records, checkpoint };
  });
}

describe('ingest-tui in a pipeline whose reader goes away', () => {
  it('--json | head: stops like a graceful stop, quietly, exit 141; outputs closed, checkpoints match, --resume completes them', async () => {
    const dir = writeFiles(tempDir(), { 'sources.json': sources });
    const out = join(dir, 'out');
    const recording = join(dir, 'events.ndjson');
    const r = await runWithReaderGone(['--sources', dir, '--json', '--out', out, '--record', recording], 'stdout', 8, /"type":"chunk"/);
    assert.equal(r.code, 141, `exit code (stderr: ${r.stderr})`);
    assert.equal(r.stderr, '', 'nothing on stderr: no stack trace, no EPIPE');
    assert.equal(JSON.parse(r.stdout.split('\n')[0]!).type, 'run-start');

    const events = parseEvents(readFileSync(recording, 'utf8'));
    const summary = events.at(-1)!;
    assert.equal(summary.type, 'summary');
    assert.equal(summary.stoppedBy, 'EPIPE');
    assert.ok(summary.persisted < names.length * CHUNKS * PER_CHUNK, 'stopped mid-run');
    for (const name of names) {
      assert.ok(
        events.some((e) => e.type === 'note' && e.source === name && e.text === 'cleanup done'),
        `${name}: its cleanup ran`,
      );
    }
    const outputs = outputsOf(out);
    for (const { name, records, checkpoint } of outputs) {
      const s = summary.sources.find((x: { name: string }) => x.name === name);
      assert.equal(s.state, 'cancelled');
      assert.equal(records.length, s.persisted, `${name}: what the summary says is persisted is in the file`);
      assert.equal(checkpoint.done, false);
    }

    const resumed = await runCli(['--sources', dir, '--json', '--out', out, '--resume']);
    assert.equal(resumed.code, 0, resumed.stderr);
    for (const { name, records } of outputsOf(out)) {
      const keys = records.map((x) => `${x.seq}/${x.index}`);
      assert.equal(new Set(keys).size, CHUNKS * PER_CHUNK, `${name}: every record once, none twice`);
      assert.equal(keys.length, CHUNKS * PER_CHUNK);
    }
  });

  it('--no-ui with its stderr closed: stops quietly, exit 141; the summary still goes to stdout', async () => {
    const dir = writeFiles(tempDir(), { 'sources.json': sources });
    const out = join(dir, 'out');
    const r = await runWithReaderGone(['--sources', dir, '--no-ui', '--out', out], 'stderr');
    assert.equal(r.code, 141);
    assert.match(r.stderr, /^\[ *\d+\.\d+s\] ingest-tui: 3 sources/);
    assert.doesNotMatch(r.stdout, /Error: write EPIPE|\bat .*\.js:\d+/, 'no error, no stack trace');
    assert.match(r.stdout, /^alpha +cancelled .*stopped: the output pipe was closed \(EPIPE\)$/m, 'the summary table, on the stream that is still open');
    assert.match(r.stdout, /stopped by EPIPE/);
  });
});
