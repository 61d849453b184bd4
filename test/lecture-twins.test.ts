import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadTwin } from '../src/pipeline/twin.js';

// Each lecture scene ships its Python asyncio twin (twin.py) and what it printed here (twin.out).
// Run again, a twin prints the same lines in the same order (that order is what overlapped: three
// starts before the first done); its numbers are measurements (seconds, lag, memory), so they only
// need to land near the recorded ones, and times only from below: a loaded machine runs a twin
// late (06's 1.9 s took 3.5 s under a load of 7 on two cores), never early.
const LECTURE = 'fixtures/lecture';
const scenes = readdirSync(LECTURE)
  .filter((d) => /^\d\d-/.test(d))
  .sort();
const python = spawnSync('python3', ['--version']).status === 0;

/** The numbers of a line (1,000 separators allowed), each with the unit after it, and the line with them masked. */
function shape(line: string): { mask: string; numbers: { value: number; unit: string }[] } {
  const numbers: { value: number; unit: string }[] = [];
  const mask = line.replace(/(\d[\d,]*(?:\.\d+)?)( ?(?:ms|s|MB|kB|GB)\b)?/g, (_m, n: string, unit = '') => {
    numbers.push({ value: Number(n.replaceAll(',', '')), unit: unit.trim() });
    return `#${unit}`;
  });
  return { mask, numbers };
}

/** Whether a re-run's number is near enough the recording's. */
function near(value: number, recorded: number, unit: string): boolean {
  if (unit === 's' || unit === 'ms') return value >= recorded - tolerance(recorded, unit); // later is load, earlier a skipped wait
  return Math.abs(value - recorded) <= tolerance(recorded, unit);
}

/** How far a re-run may land from the recording: timings move with the machine, memory with the allocator. */
function tolerance(recorded: number, unit: string): number {
  switch (unit) {
    case 's':
      return Math.max(0.3, 0.5 * recorded);
    case 'ms':
      return Math.max(30, 0.5 * recorded);
    case 'MB':
      return Math.max(6, 0.5 * recorded);
    case 'kB':
      return Math.max(1, 0.5 * recorded);
    default:
      return 0.3 * recorded; // counts: exact where they are small (2 done, 1 pending), near where they depend on time (rows read before a cancel)
  }
}

describe('the Python twins of the lecture', () => {
  it('every scene ships twin.py and twin.out, and the lesson carries them', async () => {
    assert.equal(scenes.length, 6);
    for (const scene of scenes) {
      const twin = await loadTwin(join(LECTURE, scene));
      assert.ok(twin, `${scene}: twin.py and twin.out`);
      assert.ok(twin.recorded.length >= 2, `${scene}: its output`);
      assert.match(readFileSync(twin.program, 'utf8'), /import asyncio/);
    }
  });

  it('the shape check tells a matching run from a different one', () => {
    assert.deepEqual(shape('done  b at 0.5 s'), { mask: 'done  b at # s', numbers: [{ value: 0.5, unit: 's' }] });
    assert.equal(shape('10,000 coroutines').numbers[0]!.value, 10000);
    // A sequential 01 prints "done a" where the gathered one prints "start b": the lines differ.
    assert.notEqual(shape('done  a at 1.0 s').mask, shape('start b (0.5 s) at 1.0 s').mask);
    assert.equal(near(0.1, 1.0, 's'), false, 'a 1.0 s wait that ended at once was skipped');
    assert.equal(near(3.5, 1.9, 's'), true, 'late is the load');
    assert.equal(near(40, 18, 'MB'), false, 'memory is not load: twice the growth is another program');
    assert.equal(near(2, 2, ''), true);
    assert.equal(near(3, 2, ''), false, '3 done is not 2 done');
  });

  for (const scene of scenes) {
    it(`${scene}: python3 twin.py prints what twin.out recorded (same lines, numbers near)`, { skip: python ? false : 'python3 is not installed' }, () => {
      const dir = join(LECTURE, scene);
      const run = spawnSync('python3', ['twin.py'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      assert.equal(run.status, 0, run.stderr);
      const live = run.stdout.replace(/\n+$/, '').split('\n');
      const recorded = readFileSync(join(dir, 'twin.out'), 'utf8').replace(/\n+$/, '').split('\n');
      assert.equal(live.length, recorded.length, `same number of lines:\n${run.stdout}`);
      live.forEach((line, i) => {
        const got = shape(line);
        const want = shape(recorded[i]!);
        assert.equal(got.mask, want.mask, `line ${i + 1}`);
        got.numbers.forEach(({ value }, j) => {
          const { value: expected, unit } = want.numbers[j]!;
          assert.ok(near(value, expected, unit), `line ${i + 1}: ${value}${unit} vs recorded ${expected}${unit}\n${line}\n${recorded[i]}`);
        });
      });
    });
  }
});
