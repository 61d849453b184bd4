import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { RunDefaults } from '../pipeline/config.js';
import type { Lesson } from '../pipeline/events.js';
import type { SinkKind } from '../pipeline/persistence/open-persistence.js';
import { parseDuration } from '../util/parse-duration.js';
import type { CliOptions } from './args.js';

// Types only from config.ts: --help and --version load this file, and must not load zod.

/** What a run does when neither a flag nor ingest.json says otherwise. --help quotes these. */
export const DEFAULTS = {
  concurrency: 4,
  seed: 1,
  slowmo: 1,
  sink: 'ndjson',
  out: 'ingest-out',
  /** How long a first Ctrl-C may drain before the process leaves anyway. */
  graceMs: 5000,
} as const satisfies { sink: SinkKind } & Record<string, unknown>;

/** What a run goes by once its flags and its directory's ingest.json are read. */
export interface RunSettings {
  concurrency: number;
  /** Per-source timeout for sources that set none of their own; none: no timeout. */
  timeoutMs?: number;
  /** Whole-run deadline; none: no deadline. */
  deadlineMs?: number;
  seed: number;
  slowmo: number;
  sink: SinkKind;
  offload: boolean;
  bufferAll: boolean;
  resume: boolean;
  /** --out, absolute. */
  out: string;
  /** --sink postgres: the server (else $DATABASE_URL, else libpq's PG* variables) and the schema. */
  db: { url?: string; schema?: string };
  /** --fleet NAME: the fleet run this worker joins (with --sink postgres). */
  fleet?: string;
  /** Run the offline HTTP server beside the run, on this port (0: a free one). */
  serve?: { port: number };
  lesson?: Lesson;
  /** After the run, run the lesson's contrast and draw both (a lesson with one is checked here). */
  contrast: boolean;
}

/**
 * Merges the command line, the sources directory's ingest.json and the DEFAULTS into the settings
 * a run goes by. For each setting the first of these that gives it wins:
 *
 *   1. a flag on the command line,
 *   2. the field in ingest.json,
 *   3. DEFAULTS (or none, for timeout and deadline).
 *
 * concurrency, seed, slowmo and sink follow that order exactly. timeout and deadline too, with a
 * difference in kind: a flag is wall time, as typed; ingest.json's belong to the directory's
 * simulated timeline, so the slowmo in effect (flag or file) stretches them (02-wait-timeout at
 * --slowmo 3 still cancels only its straggler). offload is on when the flag or ingest.json turns
 * it on (no flag turns it off). serve and lesson come from ingest.json alone; out, bufferAll,
 * resume, db and contrast from flags alone.
 *
 * Nothing is validated twice: each value was checked where it was read, so a bad one names its
 * place. A flag by its parser (args.ts: "--concurrency takes a whole number from 1 to …"), a
 * field by ingest.json's schema (config.ts: "DIR/ingest.json: concurrency: at least 1, got 0"),
 * and the whole file before any flag overrides a field of it. What this refuses (UsageError) are
 * combinations that cannot run.
 */
export function resolveRunSettings(flags: CliOptions, file: RunDefaults): RunSettings {
  // --json's last line is the summary (scripts rely on it): the contrast is for people.
  if (flags.contrast && wantsJson(flags))
    throw new UsageError("--contrast draws both ways for people (dashboard or --no-ui); with --json, run the contrast's flags as a second command");
  if (flags.contrast && !file.lesson?.contrast) {
    throw new UsageError(
      `--contrast: ${flags.sources ?? 'the bundled demo'} has no "lesson": {"contrast": …} in its ingest.json (01-gather, 04-streaming and 05-blocking do)`,
    );
  }
  const sink = flags.sink ?? file.sink ?? DEFAULTS.sink;
  if ((flags.db !== undefined || flags.dbSchema !== undefined) && sink !== 'postgres') throw new UsageError('--db and --db-schema go with --sink postgres');
  if (flags.fleet !== undefined) refuseForFleet(flags, sink);
  const slowmo = flags.slowmo ?? file.slowmo ?? DEFAULTS.slowmo;
  const stretched = (ms: number | undefined) => (ms === undefined ? undefined : ms * slowmo);
  return {
    concurrency: flags.concurrency ?? file.concurrency ?? DEFAULTS.concurrency,
    timeoutMs: flags.timeout ?? stretched(file.timeout),
    deadlineMs: flags.deadline ?? stretched(file.deadline),
    seed: flags.seed ?? file.seed ?? DEFAULTS.seed,
    slowmo,
    sink,
    offload: flags.offload === true || file.offload === true,
    bufferAll: flags.bufferAll === true,
    resume: flags.resume === true,
    out: resolve(flags.out),
    db: { url: flags.db, schema: flags.dbSchema },
    ...(flags.fleet === undefined ? {} : { fleet: flags.fleet }),
    serve: file.serve,
    lesson: file.lesson,
    contrast: flags.contrast === true,
  };
}

/** What cannot go with --fleet NAME: a fleet shares its run through PostgreSQL, and always continues it. */
function refuseForFleet(flags: CliOptions, sink: SinkKind) {
  if (sink !== 'postgres') throw new UsageError(`--fleet ${flags.fleet} shares the run through PostgreSQL: it goes with --sink postgres (and --db URL)`);
  if (flags.resume)
    throw new UsageError(`--fleet ${flags.fleet} always continues the run where each source committed: leave out --resume (another name starts another run)`);
  if (flags.contrast) throw new UsageError('--contrast runs a lecture scene a second way on one machine: it does not go with --fleet');
  if (flags.bufferAll) throw new UsageError('--buffer-all shows one process holding everything: it does not go with --fleet');
}

/** What the terminal is, for the renderer: main.ts asks the process, tests say. */
export interface Terminal {
  /** stdout is a terminal. */
  isTTY: boolean;
  /** Running in CI (is-in-ci). */
  ci: boolean;
  /** $TERM. */
  term?: string;
}

export type Renderer = 'dashboard' | 'plain' | 'json';

const wantsJson = (flags: CliOptions) => flags.json === true || flags.ui === 'json';

/**
 * Which view watches the run: --json and --ui say so; otherwise the dashboard is for a person at
 * a terminal, and logs, pipes, CI and TERM=dumb (a terminal that cannot draw it) get plain lines.
 * Decided from the flags alone (ingest.json has no say), before the sources are read: the
 * dashboard's thread loads meanwhile.
 */
export function chooseRenderer(flags: CliOptions, terminal: Terminal): Renderer {
  if (wantsJson(flags)) return 'json';
  if (flags.ui === false || flags.ui === 'plain') return 'plain';
  if (flags.ui === 'dashboard') {
    if (!terminal.isTTY) throw new UsageError('--ui dashboard needs a terminal: stdout is not one (use --ui plain or --ui json)');
    return 'dashboard';
  }
  return terminal.isTTY && !terminal.ci && terminal.term !== 'dumb' ? 'dashboard' : 'plain';
}

/** How long a first Ctrl-C may drain before the process leaves anyway: INGEST_TUI_GRACE=2s, else DEFAULTS. */
export function graceMs(env: { INGEST_TUI_GRACE?: string }): number {
  const text = env.INGEST_TUI_GRACE;
  if (text === undefined || text === '') return DEFAULTS.graceMs;
  const parsed = parseDuration(text);
  if ('error' in parsed) throw new UsageError(`INGEST_TUI_GRACE: ${parsed.error}`);
  return parsed.ms;
}
