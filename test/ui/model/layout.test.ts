import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indeterminateBar, progressBar, sparkline } from '../../../src/ui/components/bars.js';
import { pickVisible, planHeight, ROW_PREFIX, rowColumns } from '../../../src/ui/model/layout.js';
import type { SourceView } from '../../../src/ui/model/store.js';

const view = (name: string, state: SourceView['state'], endedAt?: number): SourceView => ({
  name,
  kind: 'simulated',
  state,
  chunks: 0,
  records: 0,
  bytes: 0,
  persisted: 0,
  deadLettered: 0,
  dropped: 0,
  ms: 0,
  retries: 0,
  endedAt,
});

describe('dashboard layout', () => {
  it('plans at most rows - 1 lines for every terminal height, keeping the counts line first', () => {
    for (let rows = 1; rows <= 120; rows++) {
      const p = planHeight(rows);
      const used = p.headerLines + (p.columnHeader ? 1 : 0) + p.listRows + (p.aggregate ? 1 : 0) + (p.footer ? 1 : 0);
      assert.ok(used <= Math.max(0, rows - 1), `${rows} rows: ${used} lines`);
      if (rows >= 2) assert.ok(p.aggregate, `${rows} rows keep the aggregate line`);
      if (rows >= 24) assert.equal(used, rows - 1, 'a normal terminal is used fully');
    }
    assert.deepEqual(planHeight(24), { headerLines: 4, columnHeader: true, listRows: 16, aggregate: true, footer: true });
  });

  it('row columns never add up to more than the width', () => {
    for (let width = 20; width <= 300; width++) {
      for (const longest of [4, 12, 40]) {
        const c = rowColumns(width, longest);
        const used = ROW_PREFIX + [c.name, c.bar, c.records, c.bytes, c.rate, c.time].reduce((s, w) => s + (w > 0 ? w + 1 : 0), 0) + c.detail;
        if (width >= 40) assert.ok(used <= width, `${width} columns, names of ${longest}: ${used}`);
      }
    }
  });

  it('picks running, then newest finished, then queued, and keeps the selected row', () => {
    const sources = [view('a', 'done', 10), view('b', 'queued'), view('c', 'running'), view('d', 'failed', 30), view('e', 'done', 20), view('f', 'queued')];
    assert.deepEqual(
      pickVisible(sources, 10).map((v) => v.name),
      ['a', 'b', 'c', 'd', 'e', 'f'],
      'all fit: configured order',
    );
    assert.deepEqual(
      pickVisible(sources, 4).map((v) => v.name),
      ['c', 'd', 'e', 'a'],
    );
    assert.deepEqual(
      pickVisible(sources, 5).map((v) => v.name),
      ['c', 'd', 'e', 'a', 'b'],
    );
    assert.deepEqual(
      pickVisible(sources, 3, 'f').map((v) => v.name),
      ['c', 'd', 'f'],
    );
    assert.deepEqual(pickVisible(sources, 0), []);
  });

  it('draws bars and sparklines of the asked width', () => {
    assert.equal(progressBar(0.5, 10), '█████░░░░░');
    assert.equal(progressBar(1.7, 4), '████');
    assert.equal(progressBar(0.05, 10), '▌░░░░░░░░░');
    for (let t = 0; t < 5000; t += 100) assert.equal(indeterminateBar(10, t).length, 10);
    assert.equal(sparkline([1, 2, 3, 4, 5, 6, 7, 8], 8), '▁▂▃▄▅▆▇█');
    assert.equal(sparkline([5, 5, 5], 8), '▁▁▁');
    assert.equal(sparkline([1, 2, 3, 4], 2), '▁█', 'the latest values');
  });
});
