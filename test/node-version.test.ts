import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CLI } from './helpers/cli.js';

/** The built CLI under a Node that says it is `version` (process.versions.node replaced first). */
function cliAs(version: string, args: string[]) {
  const fake = `Object.defineProperty(process, 'versions', { value: { ...process.versions, node: ${JSON.stringify(version)} } })`;
  return spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(fake)}`, CLI, ...args], { encoding: 'utf8' });
}

describe('the Node version check (dist/cli.js)', () => {
  it('below Node 20: one line naming the versions to use, exit 2, nothing else loaded or printed', () => {
    for (const version of ['18.20.8', '19.9.0', '16.20.2']) {
      const r = cliAs(version, ['--sources', 'fixtures']);
      assert.equal(r.status, 2);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `ingest-tui: Node ${version} is not supported: use Node 20, 22 or 24 (22 or 24 preferred: Node 20 is past its end of life)\n`);
    }
  });

  it('Node 20 and later go on to the CLI', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; engines: { node: string } };
    assert.equal(pkg.engines.node, '>=20', 'the check and package.json agree');
    for (const version of ['20.0.0', '22.5.0', process.versions.node]) {
      const r = cliAs(version, ['--version']);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), pkg.version);
    }
  });
});
