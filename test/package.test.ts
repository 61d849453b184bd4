import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};

/** The package each module of dist/ imports at run time, by name: what users must install. */
function packagesDistLoads(): Set<string> {
  const dist = join(root, 'dist');
  const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
  const found = new Set<string>();
  // Statements only (at a line's start, or after a `;` in minified code): a bundle also carries
  // import lines inside its libraries' doc comments.
  const statement = /(?:^|;)\s*(?:import\s*[^;]*?from\s*|import\s*|export\s*[^;]*?from\s*)"([^"]+)"|await import\("([^"]+)"\)/gm;
  for (const file of files) {
    for (const m of readFileSync(join(dist, file), 'utf8').matchAll(statement)) {
      const spec = m[1] ?? m[2]!;
      if (spec.startsWith('.') || spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]!)) continue;
      found.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  }
  return found;
}

describe('the package', () => {
  it('depends on exactly what dist/ loads: everything else is bundled', () => {
    assert.deepEqual([...packagesDistLoads()].sort(), Object.keys(pkg.dependencies).sort());
  });

  it('needs better-sqlite3 only as an optional peer (Node 20 with --sink sqlite), loaded by name at run time', () => {
    assert.equal(pkg.peerDependenciesMeta?.['better-sqlite3']?.optional, true);
    assert.ok(pkg.peerDependencies?.['better-sqlite3']);
    const driver = readFileSync(join(root, 'src/sinks/sqlite-driver.ts'), 'utf8');
    assert.match(driver, /load\('better-sqlite3'\)/, 'loaded lazily, so that a missing one is a message, not a crash at start');
  });

  it('ships a manifest without install-time scripts, so installing asks for no approval', () => {
    assert.ok(pkg.scripts.prepare, 'a clone still builds on npm install');
    const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' })) as Array<{
      files: Array<{ path: string }>;
    }>;
    const shipped = packed[0]!.files.map((f) => f.path);
    assert.ok(shipped.includes('dist/cli.js') && shipped.includes('LICENSE'));
    assert.ok(!shipped.some((f) => f.startsWith('test/') || f.startsWith('bench/')), 'no tests or benchmarks in the tarball');
    // --dry-run skips prepack: run the step that strips the manifest on a copy and read the result.
    const stripped = JSON.parse(execFileSync(process.execPath, [join(root, 'scripts/pack-manifest.mjs'), 'print'], { cwd: root, encoding: 'utf8' })) as {
      scripts: Record<string, string>;
    };
    for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) assert.equal(stripped.scripts[script], undefined, script);
  });
});
