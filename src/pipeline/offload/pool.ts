import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { UnreadableRecord } from '../../sources/unreadable.js';
import { entryPoint } from '../../util/package-paths.js';
import { FairTaskQueue, forSource } from '../fair-task-queue.js';
import { allStrings, packStrings, unpackStrings } from '../packed-strings.js';
import type { TransformFn } from '../transform.js';
import type { OffloadJob, OffloadResult } from './transform-worker.js';

/**
 * --offload: transforms run in a pool of worker threads, Node's run_in_executor. The event loop
 * only ships chunks out and results back, so a CPU-heavy transform no longer freezes it.
 */
export function createOffloadPool(threads = Math.max(1, availableParallelism())) {
  const queue = new FairTaskQueue();
  const pool = new Piscina<OffloadJob, OffloadResult>({
    filename: entryPoint('pipeline/offload/transform-worker').href,
    minThreads: 1,
    maxThreads: threads,
    idleTimeout: 1_000,
    taskQueue: queue,
  });
  const transform: TransformFn = async ({ records, ...job }) => {
    const sent: OffloadJob = allStrings(records) ? { ...job, packed: packStrings(records) } : { ...job, records, unreadable: unreadableAt(records) };
    queue.submitted(job.source);
    try {
      const { lines, bad } = await pool.run(forSource(sent, job.source));
      return { lines: unpackStrings(lines), bad };
    } finally {
      queue.finished(job.source);
    }
  };
  return { transform, threads, close: () => pool.destroy() };
}

function unreadableAt(records: unknown[]): number[] {
  return records.flatMap((record, i) => (record instanceof UnreadableRecord ? [i] : []));
}
