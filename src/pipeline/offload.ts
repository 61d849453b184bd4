import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { entryPoint } from '../util/package-paths.js';
import type { TransformFn, TransformJob, Transformed } from './transform.js';

/**
 * --offload: transforms run in a pool of worker threads, Node's run_in_executor. The event loop
 * only ships chunks out and results back, so a CPU-heavy transform no longer freezes it.
 */
export function createOffloadPool(threads = Math.max(1, availableParallelism())) {
  const pool = new Piscina<TransformJob, Transformed>({
    filename: entryPoint('pipeline/transform-worker').href,
    minThreads: 1,
    maxThreads: threads,
    idleTimeout: 1_000,
  });
  const transform: TransformFn = (job) => pool.run(job);
  return { transform, threads, close: () => pool.destroy() };
}
