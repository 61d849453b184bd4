import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../errors.js';
import type { SinkKind } from '../pipeline/persistence/open-persistence.js';
import { LIMITS } from '../util/limits.js';
import { packageRoot } from '../util/package-paths.js';
import { parseDuration } from '../util/parse-duration.js';
import { closest, didYouMean } from '../util/suggest.js';
import { DEFAULTS } from './settings.js';

export const { version } = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };

/** What the command line asked for. Undefined means "not given": ingest.json may fill it (see resolveRunSettings). */
export interface CliOptions {
  sources?: string;
  concurrency?: number;
  timeout?: number;
  deadline?: number;
  out: string;
  sink?: SinkKind;
  /** --ui NAME, or false for --no-ui; absent: the dashboard on a terminal, plain lines elsewhere. */
  ui?: 'dashboard' | 'plain' | 'json' | boolean;
  json?: boolean;
  resume?: boolean;
  seed?: number;
  slowmo?: number;
  offload?: boolean;
  bufferAll?: boolean;
  /** Run the lesson's contrast (its ingest.json `lesson.contrast`) after the run, and draw both on one axis. */
  contrast?: boolean;
  record?: string;
  replay?: string;
  /** --control [SOCKET]: listen for `attach` there (true: a socket of its own in the private default directory). */
  control?: string | true;
  /** --sink postgres: the server's URL (else $DATABASE_URL, else libpq's PG* variables). */
  db?: string;
  dbSchema?: string;
  /** --fleet NAME: share the run NAME with other workers through --sink postgres. */
  fleet?: string;
}

export type Invocation =
  | { command: 'run'; options: CliOptions }
  | { command: 'serve'; port: number }
  | { command: 'list' }
  | { command: 'attach'; socket?: string }
  | { command: 'validate'; sources?: string }
  | { command: 'fleet'; run: string; db?: string; dbSchema?: string; json: boolean }
  | { command: 'exit'; code: number };

/** A number flag within its bounds (LIMITS), or a message that gives them. */
const numberArg =
  (flag: string, min: number, max: number, whole = true) =>
  (value: string) => {
    const n = value.trim() === '' ? NaN : Number(value);
    const kind = whole ? 'a whole number' : 'a number';
    if (!Number.isFinite(n) || (whole && !Number.isInteger(n)) || n < min || n > max) {
      throw new InvalidArgumentError(`${flag} takes ${kind} from ${min} to ${max.toLocaleString('en-US')}, got "${value}"`);
    }
    return n;
  };
/** A PostgreSQL name: quoted where it is used, so any text will do, but not an empty or endless one. */
const identifierArg = (flag: string) => (value: string) => {
  if (value.length === 0 || Buffer.byteLength(value) > 63 || hasControlCharacter(value)) {
    throw new InvalidArgumentError(`${flag} takes a name of 1 to 63 bytes without control characters, got ${JSON.stringify(value.slice(0, 80))}`);
  }
  return value;
};
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) < 0x20) return true;
  return false;
}
const pathArg = (flag: string) => (value: string) => {
  if (value.trim() === '') throw new InvalidArgumentError(`${flag} takes a path, got an empty one`);
  return value;
};
const durationArg = (flag: string) => (value: string) => {
  const parsed = parseDuration(value);
  if ('error' in parsed) throw new InvalidArgumentError(`${flag}: ${parsed.error}`);
  return parsed.ms;
};

const environment = `
Environment:
  DATABASE_URL        the PostgreSQL server for --sink postgres when --db is not given (then PG* as psql)
  INGEST_TUI_GRACE    how long a first Ctrl-C may drain before leaving anyway (default ${DEFAULTS.graceMs / 1000}s)
  NO_COLOR            no colours; FORCE_COLOR=1 colours even when they are not detected
  CI                  set (as CI services do): plain lines, never the dashboard
  TERM=dumb           plain lines, never the dashboard
  DEBUG               set: a failure prints its stack trace too
  XDG_RUNTIME_DIR     --control and attach keep their sockets in ingest-tui/ there (else in $TMPDIR/ingest-tui-UID)`;

const examples = `
Examples:
  $ ingest-tui                                         the bundled demo, live dashboard
  $ ingest-tui --sources fixtures --no-ui              the same, plain lines for a log
  $ ingest-tui --sources fixtures --json | jq -c 'select(.type=="summary")'
  $ ingest-tui --sources fixtures/lecture/01-gather    a lecture scenario, settings from its ingest.json
  $ ingest-tui -c 8 --timeout 2s --deadline 10s --out /tmp/out
  $ ingest-tui serve --port 8787                       offline HTTP server for the http fixtures
  $ ingest-tui --sources fixtures --no-ui --control &  a headless run others can watch and steer...
  $ ingest-tui attach                                  ...from another terminal (q leaves, X stops the run)
  $ ingest-tui --json > run.ndjson; ingest-tui --replay - < run.ndjson

Exit codes: 0 all done (or cancelled by the deadline), 1 a source failed or timed out,
2 bad usage or configuration, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM),
141 stdout or stderr closed by its reader (| head): stopped gracefully, quietly.`;

/**
 * "error: option '--sink <kind>' argument 'pg' is invalid. Allowed choices are …": our parsers'
 * messages name the flag themselves; commander's choices get the flag and the value put in front.
 */
function withoutPreamble(message: string): string {
  const match = /^error: option '(-\w, )?(--[\w-]+)[^']*' argument '([\s\S]*)' is invalid\. ([\s\S]*)$/.exec(message);
  if (!match) return message;
  const [, , flag, value, rest] = match;
  if (rest!.startsWith(flag!)) return rest!;
  const choices = /^Allowed choices are (.*)\.$/.exec(rest!)?.[1];
  return choices ? `${flag} takes one of ${choices}, got "${value}"` : `${flag}: ${rest}`;
}

export function parseCommandLine(
  argv: string[],
  write = { out: (s: string) => process.stdout.write(s), err: (s: string) => process.stderr.write(s) },
): Invocation {
  let invocation: Invocation | undefined;
  const program = new Command('ingest-tui')
    .description('Ingest many sources at once and watch the concurrency live.')
    .version(version, '-v, --version', 'print the version and exit')
    .helpOption('-h, --help', 'show this help and exit')
    .configureOutput({ writeOut: write.out, writeErr: write.err, outputError: () => {} })
    .exitOverride()
    .showSuggestionAfterError(true)
    .option('--sources <path>', 'a directory of *.json source files, or one file (default: the bundled demo)', pathArg('--sources'))
    .option(
      '-c, --concurrency <n>',
      `sources run in parallel (default: the directory's ingest.json, else ${DEFAULTS.concurrency})`,
      numberArg('--concurrency', 1, LIMITS.concurrency),
    )
    .option('--timeout <dur>', 'per-source timeout, e.g. 1.2s or 500ms', durationArg('--timeout'))
    .option('--deadline <dur>', 'whole-run deadline; sources still running then are cancelled', durationArg('--deadline'))
    .option('--out <dir>', 'where sinks write', pathArg('--out'), DEFAULTS.out)
    .addOption(new Option('--sink <kind>', `where records go (default: ${DEFAULTS.sink})`).choices(['ndjson', 'sqlite', 'postgres', 'none']))
    .option('--db <url>', 'the PostgreSQL server for --sink postgres (default: $DATABASE_URL, else the PG* variables)', pathArg('--db'))
    .option('--db-schema <name>', "the schema for the tables (default: the URL's search_path, else public)", identifierArg('--db-schema'))
    .option(
      '--fleet <name>',
      'with --sink postgres: join the run NAME shared by every worker started with it (here or on other machines); each claims sources as it frees',
      identifierArg('--fleet'),
    )
    .addOption(
      new Option('--ui <renderer>', 'dashboard, plain (progress lines) or json (NDJSON events); default: the dashboard on a terminal').choices([
        'dashboard',
        'plain',
        'json',
      ]),
    )
    .option('--no-ui', 'plain progress lines on stderr, summary table on stdout (--ui plain)')
    .option('--json', 'NDJSON events on stdout, the summary last; implies --no-ui')
    .option('--resume', 'skip what the last run in --out already persisted')
    .option('--seed <n>', 'seed for simulated sources: the same seed gives the same run', numberArg('--seed', -LIMITS.seed, LIMITS.seed))
    .option(
      '--slowmo <x>',
      'stretch simulated time by x so a class can follow (2 = half speed)',
      numberArg('--slowmo', LIMITS.slowmo.min, LIMITS.slowmo.max, false),
    )
    .option('--offload', 'run CPU-heavy transforms in a worker_threads pool (run_in_executor)')
    .option('--buffer-all', 'contrast mode: read each source to the end before persisting (watch memory climb)')
    .option('--contrast', "a lecture scene: then run it the other way (its lesson's contrast: -c 1, --offload, --buffer-all) and show both on one time axis")
    .option('--record <file>', 'save the event stream to a file', pathArg('--record'))
    .option('--replay <file>', 'play a recorded event stream back in the dashboard (- reads it from stdin)', pathArg('--replay'))
    .option(
      '--control [socket]',
      'listen on a local socket (owner-only) so `ingest-tui attach` can watch and steer this run; default: one in $XDG_RUNTIME_DIR/ingest-tui, else in the temp directory',
      pathArg('--control'),
    )
    .addHelpText('after', `${environment}\n${examples}`)
    .action((options: CliOptions) => {
      invocation = { command: 'run', options };
    });

  program
    .command('validate [path]')
    .description('check a sources directory (or file) without running it: files, fields, names, paths; exit 0 or 2')
    .action((path?: string) => {
      invocation = { command: 'validate', sources: path };
    });

  program
    .command('attach [socket]')
    .description(
      "open the dashboard on a run started with --control (default: the one live socket of yours): c, +/-, p, → act on the run; X stops it; q leaves the viewer only. Without a terminal: the run's messages as NDJSON",
    )
    .action((socket?: string) => {
      invocation = { command: 'attach', socket };
    });

  program
    .command('list')
    .description('the bundled scenarios (the demo, the lecture, http, many) with what each shows')
    .action(() => {
      invocation = { command: 'list' };
    });

  program
    .command('fleet <name>')
    .description("watch a fleet run's state in the database, per worker and per source, until every source is final (q to leave)")
    .option('--db <url>', 'the PostgreSQL server (default: $DATABASE_URL, else the PG* variables)', pathArg('--db'))
    .option('--db-schema <name>', "the schema of the run's tables (default: the URL's search_path, else public)", identifierArg('--db-schema'))
    .option('--json', 'one NDJSON line each time the run changes, instead of the picture')
    .action((name: string, _options: unknown, command: Command) => {
      // --db, --db-schema and --json are the run's options too: commander hands them to the program, wherever they stand.
      const options = command.optsWithGlobals<{ db?: string; dbSchema?: string; json?: boolean }>();
      invocation = { command: 'fleet', run: identifierArg('fleet NAME')(name), db: options.db, dbSchema: options.dbSchema, json: options.json === true };
    });

  program
    .command('serve')
    .description('loopback HTTP server with fixture data, latency and faults (for fixtures/http)')
    .option('--port <n>', 'port to listen on (0 picks a free one)', numberArg('--port', 0, 65535), 8787)
    .action((options: { port: number }) => {
      invocation = { command: 'serve', port: options.port };
    });

  try {
    program.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return { command: 'exit', code: 0 };
      // Our argument parsers name the flag themselves: commander's preamble would say it twice.
      let message = (err.code === 'commander.invalidArgument' ? withoutPreamble(err.message) : err.message).replace(/^error: /, '').split('\n')[0]!;
      const flag = /^unknown option '([^']+)'/.exec(message)?.[1];
      if (flag)
        message += didYouMean(
          flag.split('=')[0]!,
          [...program.options, ...program.commands.flatMap((c) => c.options)].flatMap((o) => (o.long ? [o.long] : [])),
          (s) => s,
        );
      if (err.code === 'commander.excessArguments') {
        const word = program.args[0];
        const command =
          word === undefined
            ? undefined
            : closest(
                word,
                program.commands.map((c) => c.name()),
              );
        message = command
          ? `unknown command "${word}" (did you mean ${command}?)`
          : `unexpected argument "${word ?? ''}": options start with --, commands are ${program.commands.map((c) => c.name()).join(', ')}`;
      }
      throw new UsageError(message, { cause: err });
    }
    throw err;
  }
  return invocation ?? { command: 'exit', code: 0 };
}
