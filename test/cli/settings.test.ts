import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseCommandLine } from '../../src/cli/args.js';
import { chooseRenderer, DEFAULTS, graceMs, type RunSettings, resolveRunSettings, type Terminal } from '../../src/cli/settings.js';
import { ConfigError, UsageError } from '../../src/errors.js';
import { loadSources } from '../../src/pipeline/config.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const quiet = { out: () => true, err: () => true };
const lesson = { title: 'gather', js: 'Promise.all', asyncio: 'asyncio.gather', takeaway: 'together' };
const contrast = { flags: ['-c', '1'], main: 'together', label: 'one at a time' };

/** A directory with one source and, if given, this ingest.json. */
const directory = (ingest?: Record<string, unknown>) =>
  writeFiles(tempDir(), { 'a.json': { name: 'a', kind: 'simulated' }, ...(ingest ? { 'ingest.json': ingest } : {}) });

/** What a run of `ingest-tui --sources DIR ...argv` goes by: the command line and the directory read as the CLI reads them. */
async function settingsFor(argv: string[], ingest?: Record<string, unknown>, dir = directory(ingest)): Promise<RunSettings> {
  const invocation = parseCommandLine(['--sources', dir, ...argv], quiet);
  assert.equal(invocation.command, 'run');
  if (invocation.command !== 'run') throw new Error('unreachable');
  return resolveRunSettings(invocation.options, (await loadSources(dir)).defaults);
}

/** The one-line message a run is refused with, and the error's class. */
async function refusal(argv: string[], ingest?: Record<string, unknown>, dir = directory(ingest)): Promise<{ message: string; error: unknown }> {
  try {
    await settingsFor(argv, ingest, dir);
  } catch (error) {
    const message = (error as Error).message;
    assert.ok(!message.includes('\n'), `one line: ${message}`);
    return { message, error };
  }
  assert.fail('expected the run to be refused');
}

/**
 * Every setting ingest.json can carry: a value for the file, a flag that says otherwise, and
 * what each of the three places gives.
 */
const PRECEDENCE: Array<{
  field: string;
  setting: keyof RunSettings;
  file: unknown;
  flag: string[];
  fromFlag: unknown;
  fromFile: unknown;
  byDefault: unknown;
}> = [
  { field: 'concurrency', setting: 'concurrency', file: 3, flag: ['-c', '7'], fromFlag: 7, fromFile: 3, byDefault: DEFAULTS.concurrency },
  { field: 'timeout', setting: 'timeoutMs', file: '2s', flag: ['--timeout', '500ms'], fromFlag: 500, fromFile: 2000, byDefault: undefined },
  { field: 'deadline', setting: 'deadlineMs', file: '1.2s', flag: ['--deadline', '3s'], fromFlag: 3000, fromFile: 1200, byDefault: undefined },
  { field: 'seed', setting: 'seed', file: 9, flag: ['--seed', '-5'], fromFlag: -5, fromFile: 9, byDefault: DEFAULTS.seed },
  { field: 'slowmo', setting: 'slowmo', file: 2, flag: ['--slowmo', '0.5'], fromFlag: 0.5, fromFile: 2, byDefault: DEFAULTS.slowmo },
  { field: 'sink', setting: 'sink', file: 'none', flag: ['--sink', 'sqlite'], fromFlag: 'sqlite', fromFile: 'none', byDefault: DEFAULTS.sink },
];

describe('resolveRunSettings: a flag, else ingest.json, else the default', () => {
  for (const p of PRECEDENCE) {
    it(`${p.field}: the flag over ingest.json, ingest.json over the default`, async () => {
      assert.deepEqual((await settingsFor(p.flag, { [p.field]: p.file }))[p.setting], p.fromFlag, 'flag and file: the flag');
      assert.deepEqual((await settingsFor(p.flag))[p.setting], p.fromFlag, 'the flag alone');
      assert.deepEqual((await settingsFor([], { [p.field]: p.file }))[p.setting], p.fromFile, 'the file alone');
      assert.deepEqual((await settingsFor([], {}))[p.setting], p.byDefault, 'an ingest.json without it');
      assert.deepEqual((await settingsFor([]))[p.setting], p.byDefault, 'no ingest.json');
    });
  }

  it('offload: on when the flag or ingest.json turns it on (no flag turns it off)', async () => {
    assert.equal((await settingsFor(['--offload'], { offload: false })).offload, true);
    assert.equal((await settingsFor(['--offload'])).offload, true);
    assert.equal((await settingsFor([], { offload: true })).offload, true);
    assert.equal((await settingsFor([], { offload: false })).offload, false);
    assert.equal((await settingsFor([])).offload, false);
  });

  it('serve and lesson come from ingest.json alone', async () => {
    const withBoth = await settingsFor([], { serve: {}, lesson });
    assert.deepEqual(withBoth.serve, { port: 0 }, 'a free port unless it names one');
    assert.deepEqual(withBoth.lesson, lesson);
    assert.deepEqual((await settingsFor([], { serve: { port: 8787 } })).serve, { port: 8787 });
    const without = await settingsFor([]);
    assert.equal(without.serve, undefined);
    assert.equal(without.lesson, undefined);
  });

  it("ingest.json's timeout and deadline are stretched by the slowmo in effect; flags are wall time as typed", async () => {
    const stretched = await settingsFor([], { timeout: '1s', deadline: '2s', slowmo: 3 });
    assert.deepEqual([stretched.timeoutMs, stretched.deadlineMs], [3000, 6000], "the file's slowmo");
    const byFlag = await settingsFor(['--slowmo', '2'], { timeout: '1s', deadline: '2s', slowmo: 3 });
    assert.deepEqual([byFlag.timeoutMs, byFlag.deadlineMs], [2000, 4000], "--slowmo, over the file's");
    const wall = await settingsFor(['--timeout', '1s', '--deadline', '2s'], { slowmo: 3 });
    assert.deepEqual([wall.timeoutMs, wall.deadlineMs], [1000, 2000], 'flags are not stretched');
  });

  it('the settings only flags give, and --out made absolute', async () => {
    const plain = await settingsFor([]);
    assert.deepEqual(
      [plain.out, plain.bufferAll, plain.resume, plain.db, plain.contrast],
      [join(process.cwd(), DEFAULTS.out), false, false, { url: undefined, schema: undefined }, false],
    );
    const given = await settingsFor(['--out', 'o', '--buffer-all', '--resume', '--sink', 'postgres', '--db', 'postgresql:///x', '--db-schema', 's']);
    assert.deepEqual([given.out, given.bufferAll, given.resume, given.db], [join(process.cwd(), 'o'), true, true, { url: 'postgresql:///x', schema: 's' }]);
  });
});

describe('resolveRunSettings: a bad value names where it came from', () => {
  const BAD: Array<{ field: string; flag: string[]; file: unknown; flagMessage: RegExp; fileMessage: RegExp }> = [
    {
      field: 'concurrency',
      flag: ['-c', '0'],
      file: 0,
      flagMessage: /^--concurrency takes a whole number from 1 to /,
      fileMessage: /concurrency: at least 1, got 0$/,
    },
    {
      field: 'timeout',
      flag: ['--timeout', 'soon'],
      file: 'soon',
      flagMessage: /^--timeout: expected a duration/,
      fileMessage: /timeout: expected a duration/,
    },
    { field: 'deadline', flag: ['--deadline', '-1s'], file: '-1s', flagMessage: /^--deadline: /, fileMessage: /deadline: / },
    { field: 'seed', flag: ['--seed', '1.5'], file: 1.5, flagMessage: /^--seed takes a whole number/, fileMessage: /seed: expected a whole number, got 1\.5$/ },
    { field: 'slowmo', flag: ['--slowmo', '0'], file: 0, flagMessage: /^--slowmo takes a number from /, fileMessage: /slowmo: at least /i },
    {
      field: 'sink',
      flag: ['--sink', 'pg'],
      file: 'pg',
      flagMessage: /^--sink takes one of ndjson, sqlite, postgres, none, got "pg"$/,
      fileMessage: /sink: expected "ndjson", "sqlite", "postgres", "none", got the string "pg"$/,
    },
    { field: 'offload', flag: [], file: 'yes', flagMessage: /./, fileMessage: /offload: expected true or false, got the string "yes"$/ },
  ];
  for (const b of BAD) {
    it(`${b.field}: a flag's names the flag, ingest.json's names the file and the field`, async () => {
      if (b.flag.length > 0) {
        const byFlag = await refusal(b.flag);
        assert.ok(byFlag.error instanceof UsageError, byFlag.message);
        assert.match(byFlag.message, b.flagMessage);
      }
      const dir = directory({ [b.field]: b.file });
      const file = join(dir, 'ingest.json');
      const byFile = await refusal([], undefined, dir);
      assert.ok(byFile.error instanceof ConfigError, byFile.message);
      assert.ok(byFile.message.startsWith(`${file}: ${b.field}: `), byFile.message);
      assert.match(byFile.message, b.fileMessage);
      // The whole file is checked before a flag overrides a field of it: a good flag does not hide a bad field.
      const overridden = await refusal(b.flag.length > 0 ? PRECEDENCE.find((p) => p.field === b.field)!.flag : ['--offload'], undefined, dir);
      assert.ok(overridden.message.startsWith(`${file}: ${b.field}: `), overridden.message);
    });
  }
});

describe('resolveRunSettings: combinations that cannot run', () => {
  it('--db and --db-schema go with the sink in effect being postgres, from the flag or ingest.json', async () => {
    for (const argv of [
      ['--db', 'postgresql:///x'],
      ['--db-schema', 's'],
      ['--db', 'postgresql:///x', '--sink', 'ndjson'],
    ]) {
      const { message, error } = await refusal(argv);
      assert.ok(error instanceof UsageError);
      assert.equal(message, '--db and --db-schema go with --sink postgres');
    }
    assert.equal((await refusal(['--db', 'postgresql:///x', '--sink', 'none'], { sink: 'postgres' })).message, '--db and --db-schema go with --sink postgres');
    assert.equal((await settingsFor(['--db', 'postgresql:///x'], { sink: 'postgres' })).sink, 'postgres', "ingest.json's sink counts");
  });

  it('--contrast needs a lesson with a contrast, and people to show it to', async () => {
    const dir = directory({ lesson });
    const missing = await refusal(['--contrast'], undefined, dir);
    assert.ok(missing.error instanceof UsageError);
    assert.equal(missing.message, `--contrast: ${dir} has no "lesson": {"contrast": …} in its ingest.json (01-gather, 04-streaming and 05-blocking do)`);
    for (const json of [['--json'], ['--ui', 'json']]) {
      const { message } = await refusal(['--contrast', ...json], { lesson: { ...lesson, contrast } });
      assert.match(message, /^--contrast draws both ways for people/);
    }
    const settings = await settingsFor(['--contrast', '--no-ui'], { lesson: { ...lesson, contrast } });
    assert.equal(settings.contrast, true);
  });

  it('without --sources the message names the bundled demo', () => {
    assert.throws(() => resolveRunSettings({ out: DEFAULTS.out, contrast: true }, {}), /^UsageError: --contrast: the bundled demo has no "lesson"/);
  });
});

describe('chooseRenderer: the flags, else what the terminal can show', () => {
  const tty: Terminal = { isTTY: true, ci: false, term: 'xterm-256color' };
  const pipe: Terminal = { isTTY: false, ci: false };
  const out = DEFAULTS.out;
  it('--json and --ui json: NDJSON, terminal or not', () => {
    for (const terminal of [tty, pipe]) {
      assert.equal(chooseRenderer({ out, json: true }, terminal), 'json');
      assert.equal(chooseRenderer({ out, ui: 'json' }, terminal), 'json');
      assert.equal(chooseRenderer({ out, json: true, ui: false }, terminal), 'json', '--json implies --no-ui');
    }
  });
  it('--no-ui and --ui plain: plain lines', () => {
    assert.equal(chooseRenderer({ out, ui: false }, tty), 'plain');
    assert.equal(chooseRenderer({ out, ui: 'plain' }, tty), 'plain');
  });
  it('--ui dashboard: on a terminal, or refused', () => {
    assert.equal(chooseRenderer({ out, ui: 'dashboard' }, { ...tty, ci: true, term: 'dumb' }), 'dashboard', 'asked for');
    assert.throws(() => chooseRenderer({ out, ui: 'dashboard' }, pipe), /^UsageError: --ui dashboard needs a terminal: stdout is not one/);
  });
  it('nothing said: the dashboard for a person at a terminal; pipes, CI and TERM=dumb get plain lines', () => {
    assert.equal(chooseRenderer({ out }, tty), 'dashboard');
    assert.equal(chooseRenderer({ out }, { ...tty, term: undefined }), 'dashboard');
    assert.equal(chooseRenderer({ out }, pipe), 'plain');
    assert.equal(chooseRenderer({ out }, { ...tty, ci: true }), 'plain');
    assert.equal(chooseRenderer({ out }, { ...tty, term: 'dumb' }), 'plain');
  });
});

describe('graceMs: INGEST_TUI_GRACE, else the default', () => {
  it('reads a duration, and refuses what is not one', () => {
    assert.equal(graceMs({}), DEFAULTS.graceMs);
    assert.equal(graceMs({ INGEST_TUI_GRACE: '' }), DEFAULTS.graceMs);
    assert.equal(graceMs({ INGEST_TUI_GRACE: '2s' }), 2000);
    assert.throws(() => graceMs({ INGEST_TUI_GRACE: 'abc' }), /^UsageError: INGEST_TUI_GRACE: expected a duration/);
  });
});
