import { existsSync } from 'node:fs';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread running the module at `url` (a .js file beside the caller). Built, that file
 * exists. Run from sources under tsx (the tests), only its .ts twin does, and Node 20 workers
 * ignore `--import tsx` (privatenumber/tsx#354): then the worker registers tsx itself first.
 */
export function startWorker(url: URL, options: WorkerOptions = {}): Worker {
  if (existsSync(url)) return new Worker(url, options);
  const source = new URL(url.href.replace(/\.js$/, '.ts'));
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source.href)}); })`;
  return new Worker(boot, { ...options, eval: true });
}
