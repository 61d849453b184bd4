import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseEvents, runCli, startCli } from './helpers/cli.js';
import { tempDir, writeFiles } from './helpers/temp.js';

const httpFixtures = fileURLToPath(new URL('../fixtures/http', import.meta.url));
const serverLine = /offline server at (http:\/\/127\.0\.0\.1:\d+) \(pid (\d+)\)/;

/** A process that exists and is not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function gone(pid: number, ms = 3000): Promise<boolean> {
  for (const until = performance.now() + ms; performance.now() < until; await sleep(20)) if (!alive(pid)) return true;
  return false;
}

describe('ingest-tui --sources fixtures/http (built CLI, offline server)', () => {
  it('starts the server for the run, ends every source in its expected state, then stops the server', async () => {
    const out = join(tempDir(), 'out');
    const r = await runCli(['--sources', httpFixtures, '--json', '--out', out]);
    assert.equal(r.code, 1, `a source failed and one timed out by design\n${r.stderr}`);
    const [, url, pid] = serverLine.exec(r.stderr) ?? assert.fail(`no server line in stderr: ${r.stderr}`);
    const events = parseEvents(r.stdout);
    const summary = events.at(-1)!;
    const states = Object.fromEntries(summary.sources.map((s: { name: string; state: string }) => [s.name, s.state]));
    assert.deepEqual(states, {
      'broken-api': 'failed',
      drip: 'done',
      'flaky-503': 'done',
      'malformed-lines': 'done',
      'orders-feed': 'done',
      'paginated-api': 'done',
      'rate-limited': 'done',
      'reset-mid-body': 'done',
      'slow-first-byte': 'timed-out',
    });
    const retries = events
      .filter((e) => e.type === 'retry')
      .map((e) => e.source)
      .sort();
    assert.deepEqual(retries, ['flaky-503', 'flaky-503', 'rate-limited', 'reset-mid-body', 'slow-first-byte']);
    assert.equal(summary.retries, 5);
    const bySource = (name: string) => summary.sources.find((s: { name: string }) => s.name === name);
    assert.equal(bySource('malformed-lines').deadLettered, 20);
    assert.match(bySource('broken-api').error, /^page \/pages\/4 is not JSON/);
    assert.match(bySource('slow-first-byte').error, /^response timeout \(1000ms\) after 2 attempts$/);
    const ids = readFileSync(join(out, 'reset-mid-body.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).id);
    assert.equal(new Set(ids).size, 3000, 'the reset was resumed without a gap or a duplicate');
    assert.equal(ids.length, 3000);
    assert.equal(alive(Number(pid)), false, 'the server process is gone');
    await assert.rejects(fetch(`${url}/`), 'and nothing listens on its port');
  });

  it('SIGTERM mid-run: exit 143 and the server is stopped; SIGKILL: the server leaves by itself', async () => {
    const dir = writeFiles(tempDir(), {
      'ingest.json': { serve: {} },
      'drip.json': { name: 'drip', kind: 'http', url: '/orders.ndjson?records=5000&rate=5kb', chunkRecords: 5 },
    });
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      const cli = startCli(['--sources', dir, '--json', '--sink', 'none']);
      let stderr = '';
      cli.child.stderr!.on('data', (text: string) => (stderr += text));
      await cli.waitFor(/"type":"chunk"/);
      const pid = Number(serverLine.exec(stderr)![2]);
      assert.equal(alive(pid), true);
      cli.child.kill(signal);
      const r = await cli.result;
      if (signal === 'SIGTERM') {
        assert.equal(r.code, 143);
        assert.equal(alive(pid), false, 'stopped before the run exited');
      } else {
        assert.equal(await gone(pid), true, 'the orphaned server noticed and exited');
      }
    }
  });

  it('a "/path" URL without "serve" in ingest.json is a configuration error naming file and field', async () => {
    const dir = writeFiles(tempDir(), { 'api.json': { name: 'api', kind: 'http', url: '/orders.ndjson' } });
    const r = await runCli(['--sources', dir, '--no-ui']);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^ingest-tui: .*api\.json: url: "\/orders\.ndjson" is a path on the offline server: add "serve": \{\} to ingest\.json, or give a full URL\n$/,
    );
    writeFiles(dir, { 'ingest.json': { serve: { port: 70000 } } });
    const bad = await runCli(['--sources', dir, '--no-ui']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^ingest-tui: .*ingest\.json: serve\.port: .+\n$/);
  });
});
