import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Where the package's own files are. Built, every module is bundled into dist/ (a few chunks,
 * so a module no longer knows its depth); run from source under tsx, it is src/<dir>/<name>.ts.
 * Either way the package root is the first directory up that holds package.json.
 */
function findPackageRoot(from: string): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const packageRoot = findPackageRoot(fileURLToPath(import.meta.url));

/** True under tsx (tests, benchmarks): runtime entry points are then the .ts files in src/. */
const fromSource = import.meta.url.endsWith('.ts');

/**
 * A module started on its own (a worker thread, a child process): `pipeline/offload/transform-worker`
 * is dist/pipeline/offload/transform-worker.js built, src/pipeline/offload/transform-worker.ts from source.
 */
export function entryPoint(path: string): URL {
  return pathToFileURL(fromSource ? join(packageRoot, 'src', `${path}.ts`) : join(packageRoot, 'dist', `${path}.js`));
}
