import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommandLine } from '../../src/cli/args.js';
import { UsageError } from '../../src/errors.js';

const quiet = { out: () => true, err: () => true };

describe('path flags', () => {
  for (const flag of ['--out', '--sources', '--record', '--replay']) {
    it(`${flag} "" is a usage error, not the current directory`, () => {
      assert.throws(
        () => parseCommandLine([flag, ''], quiet),
        (err: unknown) => {
          assert.ok(err instanceof UsageError);
          assert.match(err.message, new RegExp(`${flag} takes a path, got an empty one`));
          return true;
        },
      );
    });
  }

  it('a path that is given is passed on as typed', () => {
    const invocation = parseCommandLine(['--out', 'some dir', '--record', 'r.ndjson'], quiet);
    assert.equal(invocation.command, 'run');
    if (invocation.command === 'run') assert.deepEqual([invocation.options.out, invocation.options.record], ['some dir', 'r.ndjson']);
    const defaults = parseCommandLine([], quiet);
    if (defaults.command === 'run') assert.equal(defaults.options.out, 'ingest-out');
  });
});

describe('fleet NAME', () => {
  it('takes the run, --db, --db-schema and --json wherever they stand', () => {
    assert.deepEqual(parseCommandLine(['fleet', 'nightly', '--db', 'postgresql:///x', '--db-schema', 's', '--json'], quiet), {
      command: 'fleet',
      run: 'nightly',
      db: 'postgresql:///x',
      dbSchema: 's',
      json: true,
    });
    assert.deepEqual(parseCommandLine(['--db', 'postgresql:///y', 'fleet', 'n'], quiet), {
      command: 'fleet',
      run: 'n',
      db: 'postgresql:///y',
      dbSchema: undefined,
      json: false,
    });
  });

  it('without a NAME, or with an empty one, is a usage error', () => {
    assert.throws(() => parseCommandLine(['fleet'], quiet), /missing required argument 'name'/);
    assert.throws(() => parseCommandLine(['fleet', ''], quiet), /fleet NAME takes a name of 1 to 63 bytes/);
  });
});
