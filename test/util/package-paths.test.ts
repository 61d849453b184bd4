import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { entryPoint, packageRoot } from '../../src/util/package-paths.js';

describe('package paths', () => {
  it('finds the package root from a module under src/', () => {
    const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { name: string };
    assert.equal(pkg.name, 'ingest-tui');
    assert.ok(existsSync(join(packageRoot, 'fixtures')), 'the bundled fixtures');
  });

  it('names the .ts file of an entry point when running from source', () => {
    for (const entry of ['pipeline/offload/transform-worker', 'sinks/sqlite-worker', 'serve/main']) {
      const file = fileURLToPath(entryPoint(entry));
      assert.equal(file, join(packageRoot, 'src', `${entry}.ts`));
      assert.ok(existsSync(file), file);
    }
  });

  it('the build has a .js file for every entry point the code names', () => {
    // npm test builds before it runs the tests; these are what workers and the server start from.
    for (const entry of ['cli', 'pipeline/offload/transform-worker', 'sinks/sqlite-worker', 'serve/main']) {
      assert.ok(existsSync(join(packageRoot, 'dist', `${entry}.js`)), `dist/${entry}.js`);
    }
  });
});
