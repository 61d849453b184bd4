import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, describe, it } from 'node:test';
import { cleanup } from 'ink-testing-library';
import { loadSources } from '../../src/pipeline/config.js';
import type { Lesson } from '../../src/pipeline/events.js';
import { declarations, listing } from '../../src/ui/model/source-listing.js';
import { renderDashboard, type SourcePlan, storeWith } from '../helpers/dashboard.js';

afterEach(cleanup);

/** A frame fits when it is shorter than the terminal (ink#359) and no line is wider. */
function assertFits(lines: string[], columns: number, rows: number) {
  assert.ok(lines.length <= rows - 1, `${lines.length} lines on a ${rows}-row terminal:\n${lines.join('\n')}`);
  for (const line of lines) assert.ok([...line].length <= columns, `line wider than ${columns}: "${line}"`);
}

const lessonOf = async (dir: string): Promise<Lesson> => (await loadSources(`fixtures/lecture/${dir}`)).defaults.lesson!;

/** The lecture's gather: three fetches started together, 1.0 s, 0.5 s and 0.8 s long. */
const gather = (t: number): SourcePlan[] =>
  [
    ['fetch-1.0s', 1000],
    ['fetch-0.5s', 500],
    ['fetch-0.8s', 800],
  ].map(([name, ms]) =>
    (ms as number) <= t
      ? { name: name as string, state: 'done', chunks: 1, expected: { chunks: 1 }, startedAt: 0, ms: ms as number }
      : { name: name as string, state: 'running', expected: { chunks: 1 }, startedAt: 0 },
  );

/** Where a lane's bar starts and where its end marker sits (columns of the frame). */
function lane(lines: string[], name: string) {
  const line = lines.find((l) => new RegExp(` ${name.replace(/\./g, '\\.')} +│`).test(l));
  assert.ok(line, `a lane for ${name} in\n${lines.join('\n')}`);
  const chars = [...line];
  const open = chars.indexOf('│');
  const close = chars.lastIndexOf('│');
  const bar = chars.slice(open + 1, close);
  return {
    line,
    width: bar.length,
    firstRun: bar.indexOf('█'),
    lastRun: bar.lastIndexOf('█'),
    end: bar.findIndex((c) => '✔✖⏱⊘'.includes(c)),
    queued: bar.filter((c) => c === '░').length,
  };
}

describe('timeline view (t)', () => {
  it('draws the lecture gather: three overlapping lanes, ends at 0.5, 0.8 and 1.0 of the axis, wall vs busy under them', async () => {
    const view = await renderDashboard(storeWith(gather(1000), { t: 1000, metrics: false }), { columns: 120, rows: 40 });
    view.stdin.write('t');
    await view.settle();
    const lines = view.lines();
    assertFits(lines, 120, 40);
    const [slow, fast, mid] = ['fetch-1.0s', 'fetch-0.5s', 'fetch-0.8s'].map((n) => lane(lines, n));
    for (const l of [slow!, fast!, mid!]) assert.equal(l.firstRun, 0, `all three start at once:\n${l.line}`);
    assert.ok(fast!.end < mid!.end && mid!.end < slow!.end, 'they finish 0.5, 0.8, 1.0');
    assert.ok(Math.abs(fast!.end / slow!.width - 0.5) < 0.03, `0.5 s ends half way: ${fast!.end}/${slow!.width}`);
    assert.ok(Math.abs(mid!.end / slow!.width - 0.8) < 0.03, `0.8 s ends at 0.8: ${mid!.end}/${slow!.width}`);
    assert.match(lines.find((l) => l.startsWith('wall'))!, /^wall 1\.00s · busy 2\.30s \(the bars added up\) · speedup 2\.30×/);
    assert.match(view.frame(), /░ queued \(waiting for a slot\) {2}█ running/, 'a legend');
    assert.match(view.frame(), /└┴─+┴/, 'an axis');
    assert.match(view.frame(), / 0 +200ms +400ms +600ms +800ms +1s\n/, 'labelled in run time, up to the end');
    view.stdin.write('t');
    await view.settle();
    assert.match(view.frame(), /source\s+progress\s+records/, 't again: back to the rows');
  });

  it('mid-run the running lanes grow up to now while the finished one shows where it ended', async () => {
    // The axis spans at least a second: at 600 ms the bars have grown 60% of the way.
    const view = await renderDashboard(storeWith(gather(600), { t: 600, metrics: false }), { columns: 100, rows: 30 });
    view.stdin.write('t');
    await view.settle();
    let lines = view.lines();
    const slow = lane(lines, 'fetch-1.0s');
    const fast = lane(lines, 'fetch-0.5s');
    assert.ok(Math.abs((slow.lastRun + 1) / slow.width - 0.6) < 0.03, `running: up to now: ${slow.line}`);
    assert.equal(slow.end, -1, 'no end marker while running');
    assert.ok(Math.abs(fast.end / fast.width - 0.5) < 0.03);
    assert.match(lines.find((l) => l.startsWith('wall'))!, /wall 600ms · busy 1\.70s .* speedup 2\.83×/);
    // Later the axis is the run so far: the running lanes reach the right edge.
    const later = await renderDashboard(storeWith(gather(900), { t: 1800, metrics: false }), { columns: 100, rows: 30 });
    later.stdin.write('t');
    await later.settle();
    lines = later.lines();
    assert.equal(lane(lines, 'fetch-1.0s').lastRun, lane(lines, 'fetch-1.0s').width - 1);
    assert.ok(Math.abs(lane(lines, 'fetch-0.8s').end / lane(lines, 'fetch-0.8s').width - 800 / 1800) < 0.03);
  });

  it('a source that waited for a slot shows its queued time before it runs; the deadline cuts the last one into cleanup', async () => {
    const plans: SourcePlan[] = [
      { name: 'first', state: 'done', startedAt: 0, ms: 400 },
      { name: 'second', state: 'done', startedAt: 400, ms: 400 },
      {
        name: 'third',
        state: 'cancelled',
        startedAt: 800,
        ms: 300,
        error: 'cancelled at the run deadline',
        notes: { end: ['cleaning up after: cancelled at the run deadline', 'cleanup done'] },
      },
    ];
    const view = await renderDashboard(storeWith(plans, { t: 1100, metrics: false, concurrency: 1, stopping: { t: 1000, reason: 'deadline' } }), {
      columns: 100,
      rows: 30,
    });
    view.stdin.write('t');
    await view.settle();
    const lines = view.lines();
    const second = lane(lines, 'second');
    assert.ok(Math.abs(second.queued / second.width - 400 / 1100) < 0.03, `queued for the first 400 ms: ${second.line}`);
    const third = lane(lines, 'third');
    assert.match(third.line, /░+█+▒+⊘/, `runs, then cleans up after the deadline, then ends cancelled: ${third.line}`);
    assert.match(second.line, /✔ +┆ +│/, 'the deadline as a dashed line where nothing runs');
    assert.match(view.frame(), /deadline at 1\.00s/);
    assert.match(
      view.frame(),
      /notes: [^\n]*\n.*third +cleaning up after: cancelled at the run deadline\n.*third +cleanup done/,
      'the cleanup notes under the lanes',
    );
  });

  it('fits short and narrow terminals, and keeps the counts line', async () => {
    const view = await renderDashboard(storeWith(gather(600), { t: 600, metrics: false }), { columns: 120, rows: 40 });
    view.stdin.write('t');
    await view.settle();
    for (const [c, r] of [
      [80, 24],
      [60, 15],
      [40, 8],
      [30, 5],
      [80, 3],
    ] as const) {
      await view.resize(c, r);
      assertFits(view.lines(), c, r);
      assert.match(view.frame(), /3 sources:/, `${c}x${r}`);
    }
    await view.resize(80, 24);
    assert.match(view.frame(), /fetch-0\.8s │/);
    assert.match(view.frame(), /wall 600ms/);
  });

  it('1,000 sources: lanes for the running ones first, as many as fit, and how many there are', async () => {
    const plans: SourcePlan[] = Array.from({ length: 1000 }, (_, i) => {
      const name = `src-${String(i).padStart(4, '0')}`;
      if (i >= 500 && i < 516) return { name, state: 'running', startedAt: 4000 };
      if (i < 500) return { name, state: 'done', startedAt: i * 8, ms: 100 };
      return { name, state: 'queued' };
    });
    const view = await renderDashboard(storeWith(plans, { t: 6000 }), { columns: 120, rows: 40 });
    view.stdin.write('t');
    await view.settle();
    const lines = view.lines();
    assertFits(lines, 120, 40);
    const lanes = lines.filter((l) => / src-\d{4} │/.test(l));
    assert.ok(lanes.length >= 20, `${lanes.length} lanes`);
    assert.deepEqual(
      lanes.slice(0, 16).map((l) => l.slice(3, 11)),
      Array.from({ length: 16 }, (_, i) => `src-0${500 + i}`),
    );
    assert.equal(lanes[16]!.slice(3, 11), 'src-0499', 'then the latest finished');
    assert.match(view.frame(), new RegExp(`${lanes.length} of 1,000 lanes`));
    for (const [c, r] of [
      [80, 24],
      [200, 60],
    ] as const) {
      await view.resize(c, r);
      assertFits(view.lines(), c, r);
    }
  });

  it('a scenario whose lesson says so opens on the timeline', async () => {
    const view = await renderDashboard(storeWith(gather(600), { t: 600, metrics: false, lesson: await lessonOf('01-gather') }), { columns: 120, rows: 40 });
    assert.match(view.frame(), / fetch-1\.0s │█+ *│/);
    view.stdin.write('t');
    await view.settle();
    assert.match(view.frame(), /source\s+progress/);
  });
});

describe('lesson overlay (l)', () => {
  const databaseLine = (text: string) =>
    readFileSync('src/sources/database.ts', 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(text)) + 1;

  it("shows the JavaScript construct next to its asyncio twin, the takeaway, and the running kind's code with its await lines marked", async () => {
    const plans: SourcePlan[] = [
      { name: 'warehouse', kind: 'database', state: 'running', startedAt: 0, notes: { start: ['connecting…', 'connection open'] } },
      { name: 'ticker', kind: 'simulated', state: 'running', startedAt: 0 },
    ];
    const view = await renderDashboard(storeWith(plans, { t: 500, lesson: await lessonOf('03-async-with') }), { columns: 120, rows: 40 });
    view.stdin.write('l');
    await view.settle();
    const lines = view.lines();
    assertFits(lines, 120, 40);
    const text = view.frame();
    assert.match(text, /Lesson 03 · async with \+ async for: a database connection/);
    assert.match(text, /JavaScript await using \+ for await {2}↔ {2}asyncio async with \+ async for/);
    assert.ok(
      lines.some((l) => /await using db = await Connection\.open\(cfg\);\s+│ async with AsyncDatabaseConnection\(\) as db:/.test(l)),
      'the two snippets side by side',
    );
    assert.match(text, /→ The close is awaited on every way out/);
    assert.match(text, /src\/sources\/database\.ts · warehouse ▶ running, a database source/);
    const open = databaseLine('await using db = await Connection.open');
    const loop = databaseLine('for await (const row of db.rows');
    assert.ok(open > 0 && loop > open);
    assert.match(
      text,
      new RegExp(`^ *${open} › +await using db = await Connection\\.open\\(cfg, signal, note\\);`, 'm'),
      'the awaited open, with its line number in the file',
    );
    assert.match(text, new RegExp(`^ *${loop} › +for await \\(const row of db\\.rows`, 'm'));
    assert.match(text, new RegExp(`^ *${open + 1}   +let seq`, 'm'), 'a line that does not wait is not marked');
    assert.doesNotMatch(text, /source\s+progress/, 'in place of the rows');

    view.stdin.write('\u001b[B');
    view.stdin.write('\u001b[B');
    await view.settle();
    assert.match(view.frame(), /src\/sources\/simulated\.ts · ticker ▶ running, a simulated source/, '↑↓ picks whose code is shown');
    assert.match(view.frame(), /^ *\d+ › +await sleep\(cfg\.latency/m);
    view.stdin.write('\u001b');
    await view.settle();
    assert.match(view.frame(), /source\s+progress/, 'Esc: back to the rows');
  });

  it("fits 80x24 and smaller: the snippets, then the lesson's lines of code (its points)", async () => {
    const plans: SourcePlan[] = [{ name: 'fetch-1.0s', state: 'running', startedAt: 0 }];
    const view = await renderDashboard(storeWith(plans, { t: 500, lesson: await lessonOf('01-gather') }), { columns: 80, rows: 24 });
    view.stdin.write('l');
    await view.settle();
    assertFits(view.lines(), 80, 24);
    assert.match(view.frame(), /Promise\.all {2}↔ {2}asyncio asyncio\.gather/);
    assert.match(view.frame(), /const results = await Promise\.all\(\[ +│ results = await asyncio\.gather\(/);
    assert.match(view.frame(), /src\/sources\/simulated\.ts · the lines that carry it\n +\d+ › await sleep\(/);
    for (const [c, r] of [
      [60, 15],
      [40, 8],
      [30, 5],
    ] as const) {
      await view.resize(c, r);
      assertFits(view.lines(), c, r);
    }
  });

  it('without a lesson it says how to add one and still shows the code', async () => {
    const view = await renderDashboard(storeWith([{ name: 'a', state: 'running' }]), { columns: 100, rows: 30 });
    view.stdin.write('l');
    await view.settle();
    assert.match(view.frame(), /No lesson for these sources/);
    assert.match(view.frame(), /src\/sources\/simulated\.ts/);
  });

  it('an unknown or path-like kind (from a recording) shows no file', async () => {
    const view = await renderDashboard(storeWith([{ name: 'a', kind: '../../package', state: 'running' }]), { columns: 100, rows: 30 });
    view.stdin.write('l');
    await view.settle();
    assert.match(view.frame(), /is not in this package/);
    assert.doesNotMatch(view.frame(), /"name": "ingest-tui"/);
  });
});

describe('source listing', () => {
  const text = readFileSync('src/sources/database.ts', 'utf8');

  it('finds the generator and, with room, the class it uses, in file order with their line numbers', () => {
    const kinds = declarations(text).map((b) => `${b.kind} ${b.name}`);
    assert.ok(kinds.includes('generator readDatabase') && kinds.includes('class Connection'), kinds.join(', '));
    const roomy = listing(text, 'database.ts', 80);
    assert.equal(roomy.cut, 0);
    const first = (s: string) => roomy.lines.findIndex((l) => l.text.includes(s));
    assert.ok(first('class Connection') >= 0 && first('class Connection') < first('async function* readDatabase'), 'the class, then the generator');
    assert.ok(
      roomy.lines.some((l) => l.text === '⋮' && l.no === 0),
      'a gap between excerpts',
    );
    const lines = text.split('\n');
    for (const l of roomy.lines.filter((x) => x.no > 0)) assert.equal(l.text, lines[l.no - 1]);
  });

  it('cut to fit: the generator comes first, without its comment, and a row is left to say what is missing', () => {
    const tight = listing(text, 'database.ts', 8);
    assert.equal(tight.lines.length, 7);
    assert.match(tight.lines[0]!.text, /^async function\* readDatabase/);
    assert.ok(tight.cut > 0);
  });
});

describe('memory per source (06-c10k)', () => {
  const many = (n: number, started: number): SourcePlan[] =>
    Array.from({ length: n }, (_, i) => (i < started ? { name: `conn-${i}`, state: 'running', startedAt: 0 } : { name: `conn-${i}`, state: 'queued' }));

  it('with 100 sources or more, the memory line divides the RSS growth by the sources started', async () => {
    // Baseline 100 MB at run start; samples climb to 140 MB: 40 MB over 200 started sources.
    const view = await renderDashboard(storeWith(many(250, 200), { baselineRssBytes: 100e6 }), { columns: 120, rows: 40 });
    assert.match(view.frame(), /memory RSS 140 MB [▁▂▃▄▅▆▇█]+ heap 31 MB · event-loop lag p99 2\.4ms · per source ≈ 200 kB \(\+40 MB \/ 200 started\)/);
    for (const [c, pattern] of [
      [100, /memory RSS 140 MB [▁▂▃▄▅▆▇█]+ heap 31 MB · lag p99 2\.4ms · per source ≈ 200 kB \(\+40 MB \/ 200 started\)/],
      [80, /memory RSS 140 MB [▁▂▃▄▅▆▇█]+ · lag p99 2\.4ms · per source ≈ 200 kB \(\+40 MB \/ 200\)/],
      [60, /memory RSS 140 MB · lag 2\.4ms · ≈ 200 kB per source/],
    ] as const) {
      await view.resize(c, 24);
      assertFits(view.lines(), c, 24);
      assert.match(view.frame(), pattern, `${c} columns`);
    }
  });

  it('without a baseline in run-start (an older recording) the first sample is the baseline', async () => {
    const view = await renderDashboard(storeWith(many(100, 100)), { columns: 140, rows: 40 });
    assert.match(view.frame(), /per source ≈ 400 kB \(\+40 MB \/ 100 started\)/, 'samples from 100 MB up to 140 MB');
  });

  it('few sources: no per-source figure', async () => {
    const view = await renderDashboard(storeWith(many(99, 99), { baselineRssBytes: 100e6 }), { columns: 140, rows: 40 });
    assert.doesNotMatch(view.frame(), /per source/);
  });
});

describe('notes', () => {
  it("a row shows the last note after the error; a pane under the rows lists the latest, the selected source's marked", async () => {
    const plans: SourcePlan[] = [
      {
        name: 'warehouse',
        kind: 'database',
        state: 'done',
        startedAt: 0,
        ms: 1600,
        notes: { start: ['connecting…', 'connection open'], end: ['connection closed'] },
      },
      {
        name: 'ledger',
        kind: 'database',
        state: 'failed',
        startedAt: 0,
        ms: 900,
        error: 'query failed at row 60',
        notes: { start: ['connecting…', 'connection open'], end: ['connection closed'] },
      },
      { name: 'archive', kind: 'database', state: 'running', startedAt: 0, notes: { start: ['connecting…', 'connection open'] } },
    ];
    const view = await renderDashboard(storeWith(plans, { t: 2000 }), { columns: 120, rows: 40 });
    const text = view.frame();
    assert.match(text, /✔ warehouse .* connection closed$/m);
    assert.match(text, /✖ ledger .* query failed at row 60 · connection closed$/m);
    assert.match(text, /▶ archive .* connection open$/m);
    assert.match(text, /notes: what the sources say/);
    assert.match(text, /^ +0\.90s ledger +connection closed$/m);
    assert.match(text, /^ +1\.60s warehouse +connection closed$/m);
    view.stdin.write('\u001b[B');
    view.stdin.write('\u001b[B');
    await view.settle();
    assert.match(view.frame(), /^› +0\.90s ledger +connection closed$/m, "the selected source's notes are marked");
    await view.resize(80, 12);
    assertFits(view.lines(), 80, 12);
  });
});
