import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TaskQueue } from 'piscina';
import { FairTaskQueue, forSource } from '../../src/pipeline/fair-task-queue.js';

type Task = Parameters<TaskQueue['push']>[0];
const task = (source: string, seq: number) => forSource({ source, seq }, source) as unknown as Task;
const label = (t: Task | null) => (t === null ? null : `${(t as unknown as { source: string }).source}${(t as unknown as { seq: number }).seq}`);

describe('the --offload pool queue', () => {
  it('a free worker takes the next chunk of the source with the fewest chunks in the pool, each source in order', () => {
    const queue = new FairTaskQueue();
    // pdf has two chunks being transformed and four waiting; then a ticker's chunk arrives.
    for (let seq = 0; seq < 6; seq++) queue.submitted('pdf');
    for (let seq = 2; seq < 6; seq++) queue.push(task('pdf', seq));
    queue.submitted('tick');
    queue.push(task('tick', 0));
    queue.submitted('tock');
    queue.push(task('tock', 0));
    assert.equal(queue.size, 6);
    assert.equal(label(queue.shift()), 'tick0', 'the ticker does not wait behind pdf');
    queue.finished('tick');
    assert.equal(label(queue.shift()), 'tock0');
    assert.equal(label(queue.shift()), 'pdf2', 'then pdf, oldest first');
    assert.equal(label(queue.shift()), 'pdf3');
    assert.equal(queue.size, 2);
  });

  it('unshift puts a task back at the head of its line; remove takes one out; empty gives null', () => {
    const queue = new FairTaskQueue();
    queue.push(task('a', 0));
    queue.push(task('a', 1));
    queue.push(task('a', 2));
    const first = queue.shift()!;
    queue.unshift!(first);
    assert.equal(label(queue.shift()), 'a0');
    const last = task('a', 3);
    queue.push(last);
    queue.remove(last);
    queue.remove(last); // gone already: nothing happens
    assert.deepEqual([label(queue.shift()), label(queue.shift()), label(queue.shift())], ['a1', 'a2', null]);
    assert.equal(queue.size, 0);
  });
});
