import { queueOptionsSymbol, type TaskQueue } from 'piscina';

type Task = Parameters<TaskQueue['push']>[0];

/** Tags a job with its source, for the queue below (the tag does not travel to the worker). */
export function forSource<T extends object>(job: T, source: string): T {
  return Object.assign(job, { [queueOptionsSymbol]: { source } });
}

/** How many waiting sources a free worker looks at, oldest waiting first. */
const SCAN = 64;

const sourceOf = (task: Task) => (task[queueOptionsSymbol] as { source?: string } | null)?.source ?? '';

/**
 * The --offload pool's waiting tasks: a free worker takes the next chunk of the source with the
 * fewest chunks being transformed right now, not the oldest chunk. A source keeps several chunks
 * in the pool to read on while they are transformed; first come, first served, a CPU-heavy one
 * (05-blocking's pdf-render, 250 ms a chunk) filled both workers and the queue, and the tickers'
 * quick chunks waited behind it: they took 2.4 s instead of 2.05. The pool's user says when a
 * source's task goes in (`submitted`) and when it is done (`finished`). That end is heard a moment
 * after the pool has handed the free worker its next task, so a source that has just finished one
 * still counts it then: ties go to the source that began waiting first.
 */
export class FairTaskQueue implements TaskQueue {
  /** Per source, its waiting tasks, oldest first; sources in the order they began to wait. */
  private readonly waiting = new Map<string, Task[]>();
  private readonly inPool = new Map<string, number>();
  private count = 0;

  get size() {
    return this.count;
  }

  push(task: Task) {
    this.enqueue(task, 'last');
  }

  /** A task the pool took but could not place: back at the head of its source's line. */
  unshift(task: Task) {
    this.enqueue(task, 'first');
  }

  private enqueue(task: Task, place: 'first' | 'last') {
    const source = sourceOf(task);
    const tasks = this.waiting.get(source);
    if (!tasks) this.waiting.set(source, [task]);
    else if (place === 'first') tasks.unshift(task);
    else tasks.push(task);
    this.count += 1;
  }

  shift(): Task | null {
    // The first waiting source with nothing in a worker, else the one with the fewest among the
    // first SCAN: with 10,000 sources waiting a full scan per task made 06-c10k --offload minutes long.
    let next: string | undefined;
    let fewest = Infinity;
    let scanned = 0;
    for (const [source, tasks] of this.waiting) {
      // In the pool and not waiting here: being transformed in a worker.
      const running = (this.inPool.get(source) ?? 0) - tasks.length;
      if (running < fewest) [next, fewest] = [source, running];
      if (running <= 0 || ++scanned === SCAN) break;
    }
    if (next === undefined) return null;
    const tasks = this.waiting.get(next)!;
    const task = tasks.shift()!;
    if (tasks.length === 0) this.waiting.delete(next);
    this.count -= 1;
    return task;
  }

  remove(task: Task) {
    const source = sourceOf(task);
    const tasks = this.waiting.get(source);
    const at = tasks ? tasks.indexOf(task) : -1;
    if (at === -1) return;
    tasks!.splice(at, 1);
    if (tasks!.length === 0) this.waiting.delete(source);
    this.count -= 1;
  }

  submitted(source: string) {
    this.inPool.set(source, (this.inPool.get(source) ?? 0) + 1);
  }

  finished(source: string) {
    const count = (this.inPool.get(source) ?? 1) - 1;
    if (count <= 0) this.inPool.delete(source);
    else this.inPool.set(source, count);
  }
}
