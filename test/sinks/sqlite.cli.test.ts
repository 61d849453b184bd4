import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const withoutBetterSqlite3 = fileURLToPath(new URL('../helpers/without-better-sqlite3.cjs', import.meta.url));
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const builtIn = major > 22 || (major === 22 && minor >= 13);

describe('--sink sqlite without better-sqlite3 (built CLI)', () => {
  it(
    builtIn
      ? `Node ${process.versions.node} writes with node:sqlite: no native build needed`
      : `Node ${process.versions.node}: one line saying what is needed, exit 2`,
    async () => {
      const out = join(tempDir(), 'out');
      const env = { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${withoutBetterSqlite3}`.trim() };
      const r = await runCli(['--sources', 'fixtures/events.json', '--no-ui', '--sink', 'sqlite', '--out', out], { env });
      if (builtIn) {
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /3,000 read = 2,997 persisted/);
        assert.ok(existsSync(join(out, 'ingest.sqlite')));
      } else {
        assert.equal(r.code, 2);
        assert.equal(
          r.stderr,
          `ingest-tui: --sink sqlite needs better-sqlite3's native build on Node ${process.versions.node} (it is not installed: \`npm install better-sqlite3\`); or use Node ≥ 22.13, which has SQLite built in\n`,
        );
      }
    },
  );
});
