import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread running the module at `url` (see entryPoint). Run from sources under tsx (the
 * tests), that is a .ts file, and Node 20 workers ignore `--import tsx` (privatenumber/tsx#354):
 * then the worker registers tsx itself first.
 */
export function startWorker(url: URL, options: WorkerOptions = {}): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { ...options, eval: true });
}
