import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { cleanup } from 'ink-testing-library';
import { renderDashboard, type SourcePlan, storeWith } from '../helpers/dashboard.js';

afterEach(cleanup);

/** A lane's cells between its │ │, as a string. */
function laneOf(lines: string[], name: string): string {
  const line = lines.find((l) => new RegExp(` ${name.replace(/\./g, '\\.')} +│`).test(l));
  assert.ok(line, `a lane for ${name} in\n${lines.join('\n')}`);
  const chars = [...line];
  return chars.slice(chars.indexOf('│') + 1, chars.lastIndexOf('│')).join('');
}

async function timeline(plans: SourcePlan[], options: Parameters<typeof storeWith>[1], columns = 100, rows = 30) {
  const view = await renderDashboard(storeWith(plans, options), { columns, rows });
  view.stdin.write('t');
  await view.settle();
  return view;
}

describe('timeline: cleanup per source', () => {
  it('a c cancel draws its cleanup from when it landed, with no run-wide stop; a finished neighbour draws none', async () => {
    const view = await timeline(
      [
        {
          name: 'job-2.0s',
          state: 'cancelled',
          startedAt: 0,
          ms: 800,
          cancelling: { t: 600, reason: 'user' },
          error: 'cancelled by user',
          notesAt: [
            [600, 'cleaning up after: cancelled by user'],
            [800, 'cleanup done'],
          ],
        },
        { name: 'job-1.0s', state: 'done', startedAt: 0, ms: 1000 },
      ],
      { t: 1000, metrics: false },
    );
    const cancelled = laneOf(view.lines(), 'job-2.0s');
    assert.match(cancelled, /^█+▒+⊘ +$/, cancelled);
    // 600 ms of 1000 running, then 200 ms of cleanup.
    const run = cancelled.indexOf('▒');
    assert.ok(Math.abs(run / cancelled.length - 0.6) < 0.03, cancelled);
    assert.ok(Math.abs((cancelled.indexOf('⊘') - run) / cancelled.length - 0.2) < 0.03, cancelled);
    assert.doesNotMatch(laneOf(view.lines(), 'job-1.0s'), /▒/);
    assert.match(view.frame(), /▒ cleanup after cancel/, 'the legend says what ▒ is');
  });

  it('a timeout draws its cleanup too, though the run never stopped', async () => {
    const view = await timeline([{ name: 'slow', state: 'timed-out', startedAt: 0, ms: 700, cancelling: { t: 500, reason: 'timeout' } }], {
      t: 1000,
      metrics: false,
    });
    assert.match(laneOf(view.lines(), 'slow'), /^█+▒+⏱ +$/);
  });

  it("without cancelling events (an older recording) the run's stop still stands in for them", async () => {
    const view = await timeline([{ name: 'old', state: 'cancelled', startedAt: 0, ms: 1000 }], {
      t: 1000,
      metrics: false,
      stopping: { t: 800, reason: 'quit' },
    });
    assert.match(laneOf(view.lines(), 'old'), /^█+▒+⊘$/);
  });
});

describe('timeline: holding the loop', () => {
  // pdf-render holds the loop 250 ms out of every 300; the tickers wait on timers meanwhile.
  const blocking: [number, number][] = Array.from({ length: 4 }, (_, i) => [i * 300 + 50, 250]);
  const plans = (held: boolean): SourcePlan[] => [
    { name: 'ticker', state: 'running', startedAt: 0 },
    { name: 'pdf-render', state: 'done', startedAt: 0, ms: 1200, ...(held ? { blocking } : {}) },
  ];

  it('the source that holds it draws ▓; the others are frozen (─) in the same columns; the legend says both', async () => {
    const view = await timeline(plans(true), { t: 2000, metrics: false });
    const lines = view.lines();
    const pdf = laneOf(lines, 'pdf-render');
    const ticker = laneOf(lines, 'ticker');
    assert.match(pdf, /▓/);
    assert.doesNotMatch(ticker, /▓/);
    const heldCols = [...pdf].flatMap((c, i) => (c === '▓' ? [i] : []));
    const frozenCols = [...ticker].flatMap((c, i) => (c === '─' ? [i] : []));
    assert.deepEqual(frozenCols, heldCols, `frozen exactly where the loop was held:\n${pdf}\n${ticker}`);
    // 1,000 of its 1,200 ms held: most of its bar.
    assert.ok(heldCols.length / pdf.indexOf('✔') > 0.7, pdf);
    assert.match(ticker.slice(pdf.indexOf('✔') + 1), /^█+$/, 'after the blocking source ended, the ticker runs freely');
    assert.match(view.frame(), /▓ holding the loop \(CPU\)/);
    assert.match(view.frame(), /─ frozen/);
    assert.doesNotMatch(view.frame(), /awaiting its I\/O/, 'not said of a run whose sources hold the loop');
  });

  it('offloaded (no blocking events) the same run draws neither', async () => {
    const view = await timeline(plans(false), { t: 2000, metrics: false });
    for (const name of ['ticker', 'pdf-render']) assert.match(laneOf(view.lines(), name), /^[█✔ ]+$/, name);
    assert.doesNotMatch(view.frame(), /holding the loop|frozen/);
  });
});

describe("timeline: a connection's phases", () => {
  it('▂ while connecting, █ while reading rows, ▒ while closing: on success, failure and cancel alike', async () => {
    const phases = (open: number, closing: number, closed: number): [number, string][] => [
      [0, 'connecting…'],
      [open, 'connection open'],
      [closing, 'closing…'],
      [closed, 'connection closed'],
    ];
    const view = await timeline(
      [
        { name: 'warehouse', kind: 'database', state: 'done', startedAt: 0, ms: 1800, notesAt: phases(300, 1700, 1800) },
        { name: 'ledger', kind: 'database', state: 'failed', startedAt: 0, ms: 1000, error: 'query failed at row 60', notesAt: phases(300, 900, 1000) },
        {
          name: 'archive',
          kind: 'database',
          state: 'cancelled',
          startedAt: 0,
          ms: 2600,
          cancelling: { t: 2500, reason: 'deadline' },
          notesAt: phases(300, 2500, 2600),
        },
      ],
      { t: 2600, metrics: false, stopping: { t: 2500, reason: 'deadline' } },
    );
    const lines = view.lines();
    for (const name of ['warehouse', 'ledger', 'archive']) assert.match(laneOf(lines, name), /^▂+█+▒+[✔✖⊘][ ┆]*$/, name);
    const warehouse = laneOf(lines, 'warehouse');
    assert.ok(Math.abs(warehouse.indexOf('█') / warehouse.length - 300 / 2600) < 0.03, `open at 300 ms: ${warehouse}`);
    assert.match(view.frame(), /▂ connecting/);
    assert.match(view.frame(), /▒ closing/);
  });
});
