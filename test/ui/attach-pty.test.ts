// `ingest-tui attach` in a real terminal (tmux) on a headless --control run of the built CLI.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseEvents, startCli } from '../helpers/cli.js';
import { controlClient } from '../helpers/control-client.js';
import { tempDir, writeFiles } from '../helpers/temp.js';
import { runInTerminal, tmuxAvailable } from '../helpers/tmux.js';

const skip = tmuxAvailable() ? false : 'tmux is not installed (apt-get install tmux)';

describe('attach: the dashboard on a run elsewhere (tmux)', { skip }, () => {
  it('shows the live rows; +, c and p act on the run; q leaves the viewer and the run goes on; X stops the run', { timeout: 90_000 }, async (t) => {
    const dir = writeFiles(tempDir(), {
      'slow.json': { name: 'slow', kind: 'simulated', count: 5, chunks: 100_000, recordsPerChunk: 5, latency: '50ms' },
      'ingest.json': { concurrency: 2, sink: 'none' },
    });
    const sock = join(tempDir(), 'run.sock');
    const run = startCli(['--sources', dir, '--json', '--control', sock]);
    t.after(() => run.child.kill('SIGKILL'));
    await run.waitFor(/control socket/);
    const watcher = await controlClient(sock); // sees what the viewer's keys do to the run

    const term = runInTerminal(['attach', sock], { columns: 110, rows: 30 });
    await term.waitForScreen(/5 sources: ▶ 2 running · 3 queued/);
    await term.waitForScreen(/attached · ↑↓ select · c cancel/);
    term.keys('+');
    await term.waitForScreen(/concurrency now 3/);
    assert.equal((await watcher.waitForEvent((e) => e.type === 'concurrency', 'concurrency')).concurrency, 3);
    await term.waitForScreen(/3 running/);
    term.keys('Down', 'c');
    await term.waitForScreen(/cancelled slow-0001/);
    await watcher.waitForEvent((e) => e.type === 'source-end' && e.source === 'slow-0001', 'slow-0001 ends');
    term.keys('p');
    await watcher.waitForEvent((e) => e.type === 'paused' && e.paused, 'paused');
    await term.waitForScreen(/⏸ paused/);
    await term.waitForScreen(/p go on · → one step · X stop the run · q leave/);
    term.keys('p');
    await watcher.waitForEvent((e) => e.type === 'paused' && !e.paused, 'resumed');
    await term.waitForScreen(/ingest-tui {2}▶ running/);
    term.keys('?');
    await term.waitForScreen(/X {8}stop the run itself/);
    term.keys('?');
    assert.match((await term.settledScreen()).join('\n'), /attached · .*X stop/);

    term.keys('q');
    assert.equal(await term.exitCode(), 0, 'q leaves the viewer');
    // The run did not notice: it goes on (a chunk after the viewer left) and still takes viewers.
    const after = watcher.events().length;
    await watcher.waitFor((m) => m.type === 'event' && m.event.type === 'chunk' && watcher.messages.indexOf(m) > after + 1, 'a chunk after q');
    assert.equal(
      watcher.events().some((e) => e.type === 'stopping'),
      false,
    );

    // A second viewer stops the run with X; it ends as q at its own terminal would end it.
    const second = runInTerminal(['attach', sock], { columns: 110, rows: 30 });
    await second.waitForScreen(/attached · /);
    // It joined late: what happened before it came is on its screen (the state it was sent).
    await second.waitForScreen(/⊘ slow-0001 .*cancelled by user/);
    await second.waitForScreen(/concurrency 3 · 3 running/);
    second.keys('X');
    const summary = await watcher.waitForEvent((e) => e.type === 'summary', 'summary');
    assert.equal(summary.stoppedBy, 'quit');
    assert.equal(await second.exitCode(), 0);
    await second.waitForScreen(/stopped by quit/);
    const r = await run.result;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(parseEvents(r.stdout).at(-1)!.type, 'summary');
  });
});
