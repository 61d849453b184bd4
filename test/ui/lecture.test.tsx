import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, it } from 'node:test';
import { renderToString } from 'ink';
import { cleanup } from 'ink-testing-library';
import { loadSources } from '../../src/pipeline/config.js';
import type { Lesson } from '../../src/pipeline/events.js';
import { loadTwin } from '../../src/pipeline/twin.js';
import { fixedScale, MEMORY_STEPS, sparkline } from '../../src/ui/components/bars.js';
import { LectureFinal } from '../../src/ui/components/LectureFinal.js';
import { RAW_CONTROL } from '../helpers/controls.js';
import { renderDashboard, type SourcePlan, storeWith } from '../helpers/dashboard.js';

afterEach(cleanup);

const lessonOf = async (dir: string): Promise<Lesson> => (await loadSources(`fixtures/lecture/${dir}`)).defaults.lesson!;

/** A frame fits when it is shorter than the terminal (ink#359) and no line is wider. */
function assertFits(lines: string[], columns: number, rows: number) {
  assert.ok(lines.length <= rows - 1, `${lines.length} lines on a ${rows}-row terminal:\n${lines.join('\n')}`);
  for (const line of lines) assert.ok([...line].length <= columns, `line wider than ${columns}: "${line}"`);
}

const caption = (frame: string) => /^» (.*)$/m.exec(frame)?.[1];

/**
 * The live header's first line of a scene that is over: the dashboard shows its final picture
 * (title first) until a view is picked; the timeline (t) keeps the header above it.
 */
async function headerAfterTheEnd(view: Awaited<ReturnType<typeof renderDashboard>>): Promise<string> {
  assert.match(view.lines()[0]!, /^Lesson /, 'the end: the final picture, title first');
  view.stdin.write('t');
  await view.settle();
  return view.lines()[0]!;
}

/** The lecture's gather, `scale` times slower: three fetches, 1.0 s, 0.5 s and 0.8 s. */
const gather = (scale = 1, sequential = false): SourcePlan[] => {
  let at = 0;
  return [
    ['fetch-1.0s', 1000],
    ['fetch-0.5s', 500],
    ['fetch-0.8s', 800],
  ].map(([name, ms]) => {
    const startedAt = sequential ? at : 0;
    at += (ms as number) * scale;
    return { name: name as string, state: 'done', chunks: 1, expected: { chunks: 1 }, startedAt, ms: (ms as number) * scale };
  });
};

describe("captions: what the scene showed, in the lecture's units, from the run", () => {
  it('01: "1.0 s instead of 2.3 s (3 fetches at once)"; the same at --slowmo 3; one after another with -c 1', async () => {
    const lesson = await lessonOf('01-gather');
    const live = await renderDashboard(storeWith(gather(), { t: 1000, lesson, finished: true }), { columns: 80, rows: 24 });
    assert.equal(caption(live.frame()), '1.0 s instead of 2.3 s (3 fetches at once)');
    assert.doesNotMatch(await headerAfterTheEnd(live), /speedup/, "the header leads with the scene's numbers");
    const slow = await renderDashboard(storeWith(gather(3), { t: 3000, lesson, finished: true, slowmo: 3 }), { columns: 80, rows: 24 });
    assert.equal(caption(slow.frame()), '1.0 s instead of 2.3 s (3 fetches at once)');
    assert.match(await headerAfterTheEnd(slow), /elapsed 3\.00s \(lecture 1\.0 s\)/);
    const one = await renderDashboard(storeWith(gather(1, true), { t: 2300, lesson, finished: true, concurrency: 1 }), { columns: 80, rows: 24 });
    assert.equal(caption(one.frame()), '2.3 s: 3 fetches one after another, the sum of their waits');
  });

  it('02: the straggler "cancelled at its await (chunk 3 of 4) → cleanup → re-raised"; a c cancel says so', async () => {
    const lesson = await lessonOf('02-wait-timeout');
    const cleanupNotes = (t: number, why: string): [number, string][] => [
      [t, `cleaning up after: ${why}`],
      [t + 100, 'cleanup done'],
    ];
    const deadline = await renderDashboard(
      storeWith(
        [
          {
            name: 'job-2.0s',
            state: 'cancelled',
            chunks: 2,
            expected: { chunks: 4 },
            startedAt: 0,
            ms: 1300,
            cancelling: { t: 1200, reason: 'deadline' },
            notesAt: cleanupNotes(1200, 'cancelled at the run deadline'),
          },
          { name: 'job-0.5s', state: 'done', chunks: 1, expected: { chunks: 1 }, startedAt: 0, ms: 500 },
        ],
        { t: 1300, lesson, finished: true, deadlineMs: 1200, stopping: { t: 1200, reason: 'deadline' } },
      ),
      { columns: 80, rows: 24 },
    );
    assert.equal(caption(deadline.frame()), 'job-2.0s cancelled at its await (chunk 3 of 4) → cleanup → re-raised');
    assert.match(await headerAfterTheEnd(deadline), /deadline 1\.20s · 1 done · 1 cancelled/);
    const byKey = await renderDashboard(
      storeWith(
        [
          {
            name: 'job-1.0s',
            state: 'cancelled',
            chunks: 0,
            expected: { chunks: 2 },
            startedAt: 0,
            ms: 400,
            cancelling: { t: 300, reason: 'user' },
            notesAt: cleanupNotes(300, 'cancelled by user'),
          },
        ],
        { t: 400, lesson },
      ),
      { columns: 80, rows: 24 },
    );
    assert.equal(caption(byKey.frame()), 'job-1.0s cancelled by c at its await (chunk 1 of 2) → cleanup → re-raised');
    const cleaning = await renderDashboard(
      storeWith(
        [
          {
            name: 'job-2.0s',
            state: 'running',
            chunks: 2,
            expected: { chunks: 4 },
            startedAt: 0,
            cancelling: { t: 1200, reason: 'deadline' },
            notesAt: [[1200, 'cleaning up after: x']],
          },
        ],
        { t: 1250, lesson },
      ),
      { columns: 80, rows: 24 },
    );
    assert.equal(caption(cleaning.frame()), 'job-2.0s cancelled at its await (chunk 3 of 4) → cleanup…', 'while it cleans up: not re-raised yet');
  });

  it('03: "3 connections: each closed (done, failed, cancelled)", and not when one stayed open', async () => {
    const lesson = await lessonOf('03-async-with');
    const notes = (closed: boolean): [number, string][] => [
      [0, 'connecting…'],
      [300, 'connection open'],
      ...(closed
        ? ([
            [900, 'closing…'],
            [1000, 'connection closed'],
          ] as [number, string][])
        : []),
    ];
    const plans = (archiveClosed: boolean): SourcePlan[] => [
      { name: 'warehouse', kind: 'database', state: 'done', startedAt: 0, ms: 1000, notesAt: notes(true) },
      { name: 'ledger', kind: 'database', state: 'failed', startedAt: 0, ms: 1000, error: 'query failed at row 60', notesAt: notes(true) },
      { name: 'archive', kind: 'database', state: 'cancelled', startedAt: 0, ms: 1000, notesAt: notes(archiveClosed) },
    ];
    const all = await renderDashboard(storeWith(plans(true), { t: 1000, lesson, finished: true }), { columns: 80, rows: 24 });
    assert.equal(caption(all.frame()), '3 connections: each closed (done, failed, cancelled)');
    assert.match(await headerAfterTheEnd(all), /3 opened · 3 closed/);
    const leak = await renderDashboard(storeWith(plans(false), { t: 1000, lesson, finished: true }), { columns: 80, rows: 24 });
    assert.equal(caption(leak.frame()), '3 connections: 2 closed (done, failed) · 1 open');
  });

  it('05: "lag 250 ms: one blocking call froze every task"; offloaded, nothing held the loop', async () => {
    const lesson = await lessonOf('05-blocking');
    const plans = (blocking: boolean): SourcePlan[] => [
      { name: 'ticker-0001', state: 'done', startedAt: 0, ms: 4000 },
      {
        name: 'pdf-render',
        state: 'done',
        startedAt: 0,
        ms: 2400,
        ...(blocking
          ? {
              blocking: [
                [50, 250],
                [350, 250],
              ],
            }
          : {}),
      },
    ];
    const samples = (lag: number): [number, number][] => [
      [1e8, 1],
      [1e8, lag],
      [1e8, lag],
      [1e8, 2],
    ];
    const blocked = await renderDashboard(storeWith(plans(true), { t: 4000, lesson, finished: true, samples: samples(250) }), { columns: 80, rows: 24 });
    assert.equal(caption(blocked.frame()), 'lag 250 ms: one blocking call froze every task');
    assert.match(blocked.frame(), /^lag 0–300 ms │▁▇▇▁ +│ p99 2 ms · max 250 ms$/m, 'the lag history on its fixed scale: 250 ms is near the top');
    const offloaded = await renderDashboard(storeWith(plans(false), { t: 4000, lesson, finished: true, samples: samples(2) }), { columns: 80, rows: 24 });
    assert.equal(caption(offloaded.frame()), 'lag 2 ms: nothing held the loop, every task kept moving');
    assert.match(offloaded.frame(), /^lag 0–300 ms │▁+ *│/m, '2 ms on a 300 ms scale is flat');
  });
});

describe('04: memory on a fixed scale', () => {
  it("a 5% drift stays flat on 0–512 MB, where a sparkline of its own range draws a climb; --buffer-all's climb climbs", () => {
    const drift = Array.from({ length: 20 }, (_, i) => 150e6 + i * 0.4e6);
    assert.equal(sparkline(drift, 20).at(-1), '█', 'scaled to its own range, 5% looks like a climb');
    assert.equal(sparkline(drift, 20, { max: fixedScale(Math.max(...drift), MEMORY_STEPS) }), '▃'.repeat(20));
    const climb = Array.from({ length: 20 }, (_, i) => 150e6 + i * 60e6);
    const max = fixedScale(Math.max(...climb), MEMORY_STEPS);
    assert.equal(max, 2e9, '1.3 GB goes on the next step');
    const climbing = sparkline(climb, 20, { max });
    assert.match(climbing, /^[▁▂].*[▅▆▇]$/, climbing);
  });

  it('the header and caption of 04: streamed bytes at the RSS growth, the memory line labelled "0–512 MB"', async () => {
    const lesson = await lessonOf('04-streaming');
    const plans: SourcePlan[] = ['firehose-0001', 'firehose-0002'].map((name) => ({
      name,
      state: 'done',
      chunks: 10,
      chunkBytes: 56e6,
      expected: { chunks: 10 },
      startedAt: 0,
      ms: 6000,
    }));
    const samples = Array.from({ length: 24 }, (_, i): [number, number] => [i === 0 ? 100e6 : 150e6 + (i % 3) * 1e6, 20]);
    const view = await renderDashboard(storeWith(plans, { t: 6000, lesson, finished: true, samples, baselineRssBytes: 100e6 }), { columns: 80, rows: 24 });
    assert.equal(caption(view.frame()), '1.12 GB streamed at +52 MB');
    assert.match(
      view.frame(),
      /^memory 0–512 MB │▂▃+ *│ RSS 152 MB · peak 152 MB \(\+52 MB\)/m,
      'flat: from 0, 150 MB is a third of the way up, every sample alike',
    );
    assert.doesNotMatch(view.frame(), /speedup|awaiting its I\/O/);
    const buffered = await renderDashboard(storeWith(plans, { t: 6000, lesson, finished: true, samples, baselineRssBytes: 100e6, bufferAll: true }), {
      columns: 80,
      rows: 24,
    });
    assert.equal(caption(buffered.frame()), '1.12 GB read whole, then processed at +52 MB');
  });
});

describe('06: ten thousand connections', () => {
  const many = (running: number): SourcePlan[] =>
    Array.from({ length: 10_000 }, (_, i) => {
      const name = `conn-${String(i + 1).padStart(5, '0')}`;
      return i < 10_000 - running
        ? { name, state: 'done', chunks: 10, expected: { chunks: 10 }, startedAt: 0, ms: 1500 + i / 100 }
        : { name, state: 'running', chunks: 7, expected: { chunks: 10 }, startedAt: 0 };
    });

  it('counts per state instead of identical rows, the peak in flight, and the threads arithmetic next to what it cost here', async () => {
    const lesson = await lessonOf('06-c10k');
    const view = await renderDashboard(storeWith(many(9_960), { t: 1500, lesson, baselineRssBytes: 100e6, concurrency: 10_000 }), { columns: 80, rows: 24 });
    const frame = view.frame();
    assertFits(view.lines(), 80, 24);
    assert.equal(view.lines().filter((l) => /conn-\d{5} +[█▏▎▍▌▋▊▉░]/.test(l)).length, 0, `no identical rows:\n${frame}`);
    assert.match(frame, /conn ×10,000/);
    assert.match(frame, /▶ in flight +9,960 │█+[▏▎▍▌▋▊▉]? *│ peak 10,000/);
    assert.match(frame, /✔ done +40 │/);
    assert.match(frame, /^threads: 10,000 × 1 MB stack ≈ 10 GB · here \+40 MB/m);
    assert.match(view.lines()[0]!, /in flight 9,960 · peak 10,000$/);
    assert.match(frame, /^concurrency 10,000 · 9,960 running · 40 finished · RSS \d+ MB · lag [\d.]+ms$/m);
    assert.doesNotMatch(frame, /busy|speedup/);
    assert.equal(caption(frame), '10,000 in flight at once · +40 MB (threads: ≈10 GB)');
  });

  it('a thousand sources keep their rows; a failed one of ten thousand keeps its row under the block', async () => {
    const plans = many(0);
    plans[123] = { name: 'conn-00124', state: 'failed', chunks: 3, expected: { chunks: 10 }, startedAt: 0, ms: 300, error: 'boom' };
    const view = await renderDashboard(storeWith(plans, { t: 2000 }), { columns: 100, rows: 30 });
    assert.match(view.frame(), /✖ failed +1 │/);
    assert.match(view.frame(), /✖ conn-00124 .*boom/);
    const thousand = await renderDashboard(storeWith(plans.slice(0, 1000), { t: 2000 }), { columns: 100, rows: 30 });
    assert.doesNotMatch(thousand.frame(), /×1,000/);
  });
});

describe('final pictures', () => {
  it("every scene's final picture, with its caption, fits 80 columns and 23 rows", async () => {
    const cases: [string, SourcePlan[], Parameters<typeof storeWith>[1]][] = [
      ['01-gather', gather(), { t: 1000 }],
      ['04-streaming', [{ name: 'firehose-0001', state: 'done', chunks: 4, startedAt: 0, ms: 6000 }], { t: 6000 }],
      [
        '05-blocking',
        [
          { name: 'ticker-0001', state: 'done', startedAt: 0, ms: 4000 },
          { name: 'pdf-render', state: 'done', startedAt: 0, ms: 2400, blocking: [[50, 250]] },
        ],
        { t: 4000 },
      ],
    ];
    for (const [dir, plans, options] of cases) {
      const store = storeWith(plans, { ...options, lesson: await lessonOf(dir), finished: true, baselineRssBytes: 90e6 });
      const text = renderToString(<LectureFinal snapshot={store.getSnapshot()} width={79} />, { columns: 80 });
      const lines = text.split('\n');
      assertFits(lines, 80, 24);
      assert.match(text, /^» /m, `${dir} has its caption`);
      assert.match(text, /^states +/m, `${dir} has the run's totals`);
    }
  });
});

describe('the lesson view at 80x24', () => {
  const scenes: [string, string][] = [
    ['01-gather', 'simulated'],
    ['02-wait-timeout', 'simulated'],
    ['03-async-with', 'database'],
    ['04-streaming', 'simulated'],
    ['05-blocking', 'simulated'],
    ['06-c10k', 'simulated'],
  ];

  it('shows the two snippets first, then the lines that carry the point, never a listing cut short', async () => {
    for (const [dir, kind] of scenes) {
      const lesson = await lessonOf(dir);
      const view = await renderDashboard(storeWith([{ name: 'a-source', kind, state: 'running', startedAt: 0 }], { t: 500, lesson }), {
        columns: 80,
        rows: 24,
      });
      view.stdin.write('l');
      await view.settle();
      const lines = view.lines();
      assertFits(lines, 80, 24);
      const text = view.frame();
      const at = (s: string, from = 0) => lines.findIndex((l, i) => i >= from && l.includes(s));
      const firstJs = at(lesson.code!.js[0]!.slice(0, 30));
      const lastPy = at(lesson.code!.asyncio.at(-1)!.slice(0, 30), firstJs);
      assert.ok(firstJs > 0 && lastPy > firstJs, `${dir}: both snippets:\n${text}`);
      for (const point of lesson.points!) {
        const line = at(point.find.trim().slice(0, 40), lastPy + 1);
        assert.ok(line > lastPy, `${dir}: "${point.find}" under the snippets:\n${text}`);
        assert.match(lines[line]!, /^ *\d+ [›\s] /, `${dir}: with its line number`);
      }
      assert.doesNotMatch(text, /more lines in/, dir);
      view.unmount();
    }
  });
});

describe('untrusted text in the lecture views (a recording says what it likes)', () => {
  it('a cancel reason or source name with escapes or a prototype key is shown harmlessly', async () => {
    const lesson = await lessonOf('03-async-with');
    const evil = '\u001b[2J\u001b]0;pwned\u0007';
    const plans: SourcePlan[] = [
      {
        name: `db${evil}`,
        kind: 'database',
        state: 'cancelled',
        startedAt: 0,
        ms: 500,
        cancelling: { t: 400, reason: evil },
        notesAt: [
          [0, 'connecting…'],
          [100, 'connection open'],
          [400, 'closing…'],
          [500, 'connection closed'],
        ],
      },
    ];
    const store = storeWith(plans, { t: 500, lesson, finished: true });
    const text = renderToString(<LectureFinal snapshot={store.getSnapshot()} width={79} />, { columns: 80 });
    assert.doesNotMatch(text, RAW_CONTROL);
    const cancel = await renderDashboard(
      storeWith([{ name: 'job', state: 'cancelled', startedAt: 0, ms: 500, cancelling: { t: 400, reason: 'constructor' } }], {
        t: 500,
        lesson: await lessonOf('02-wait-timeout'),
      }),
      { columns: 80, rows: 24 },
    );
    assert.equal(caption(cancel.frame()), 'job cancelled at its await (after chunk 0) → re-raised');
  });
});

describe('the Python twin in the lesson view', () => {
  const twinLesson = async (dir: string): Promise<Lesson> => ({ ...(await lessonOf(dir)), twin: await loadTwin(`fixtures/lecture/${dir}`) });

  it('01 at 80x24: twin.out recorded next to this run told the same way, inside the screen', async () => {
    const lesson = await twinLesson('01-gather');
    const view = await renderDashboard(storeWith(gather(), { t: 1000, lesson, finished: true }), { columns: 80, rows: 24 });
    view.stdin.write('l');
    await view.settle();
    const frame = view.frame();
    assertFits(view.lines(), 80, 24);
    assert.match(frame, /python3 twin\.py · recorded · y: live +│ ingest-tui · this run/);
    assert.match(frame, /start a \(1\.0 s\) at 0\.0 s +│ start fetch-1\.0s at 0\.0 s/);
    assert.match(frame, /done {2}b at 0\.5 s +│ done {2}fetch-0\.5s at 0\.5 s/);
    assert.match(frame, /total 1\.0 s instead of 2\.3 s.* │ 1\.0 s instead of 2\.3 s \(3 fetches at/, 'what each showed last, side by side');
  });

  it("06 at 80x24: ten thousand sources are counted, not listed, next to the twin's per-coroutine memory", async () => {
    const lesson = await twinLesson('06-c10k');
    const plans: SourcePlan[] = Array.from({ length: 200 }, (_, i) => ({ name: `conn-${String(i).padStart(5, '0')}`, state: 'done', startedAt: 0, ms: 1000 }));
    const view = await renderDashboard(storeWith(plans, { t: 1000, lesson, finished: true }), { columns: 80, rows: 24 });
    view.stdin.write('l');
    await view.settle();
    assertFits(view.lines(), 80, 24);
    assert.match(view.frame(), /kB per coroutine/);
    assert.match(view.frame(), /│ 200 sources · peak \d+ in flight/);
  });

  it('y runs python3 twin.py live in the lesson view; its output replaces the recording', {
    skip: spawnSync('python3', ['--version']).status === 0 ? false : 'python3 is not installed',
  }, async () => {
    const lesson = await twinLesson('01-gather');
    const view = await renderDashboard(storeWith(gather(), { t: 1000, lesson, finished: true }), { columns: 80, rows: 24 });
    view.stdin.write('y');
    await view.settle();
    assert.match(view.frame(), /y runs the Python twin: open the lesson \(l\) first/, 'outside the lesson, y says where it works');
    view.stdin.write('l');
    await view.settle();
    view.stdin.write('y');
    for (let i = 0; i < 200 && !/live · exit 0/.test(view.frame()); i++) await new Promise((r) => setTimeout(r, 50));
    const frame = view.frame();
    assert.match(frame, /python3 twin\.py · live · exit 0/);
    assert.match(frame, /done {2}b at 0\.5 s/);
  });
});
