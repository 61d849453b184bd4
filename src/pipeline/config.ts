import { readdir, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { createSource, type SourceFileConfig, sourceKinds } from '../sources/registry.js';
import type { Source, SourceContext, SourceEnv } from '../sources/source.js';
import { durationField } from '../util/duration.js';
import { readSmallFile } from '../util/files.js';
import { LIMITS } from '../util/limits.js';
import { displayKey } from '../util/sanitize.js';
import { didYouMean } from '../util/suggest.js';
import { LESSON_FOCUS } from './events.js';

const line = z.string().min(1, 'must not be empty').max(200);
const codeLines = z.array(z.string().max(80)).min(1).max(6);

/**
 * The flags a lesson's contrast may set: the lecture's other way of doing the same work. A
 * whitelist: a contrast run writes nothing (its sink is none) and changes nothing else.
 */
const CONTRAST_FLAGS = ['-c', '--concurrency', '--offload', '--buffer-all'] as const;

/** `["-c", "1"]` → `{ concurrency: 1 }`; an error message for anything else. */
export function parseContrastFlags(flags: readonly string[]): { concurrency?: number; offload?: true; bufferAll?: true } | { error: string } {
  const out: { concurrency?: number; offload?: true; bufferAll?: true } = {};
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i]!;
    if (flag === '-c' || flag === '--concurrency') {
      const n = Number(flags[++i]);
      if (!Number.isInteger(n) || n < 1 || n > LIMITS.concurrency) return { error: `${flag} needs a whole number from 1 to ${LIMITS.concurrency}` };
      out.concurrency = n;
    } else if (flag === '--offload') out.offload = true;
    else if (flag === '--buffer-all') out.bufferAll = true;
    else return { error: `"${flag}" is not a contrast flag (expected ${CONTRAST_FLAGS.join(', ')})` };
  }
  return out;
}

const contrastSchema = z
  .strictObject({
    flags: z.array(z.string().max(20)).min(1).max(4),
    /** This run's way, in a few words: "together". */
    main: z.string().min(1).max(24),
    /** The contrast's: "one at a time". */
    label: z.string().min(1).max(24),
  })
  .superRefine((c, ctx) => {
    const parsed = parseContrastFlags(c.flags);
    if ('error' in parsed) ctx.addIssue({ code: 'custom', path: ['flags'], message: parsed.error });
  });

/** A lecture scenario's lesson: the overlay's text. One line each, so it fits a projector. */
const lessonSchema = z.strictObject({
  title: line,
  js: line,
  asyncio: line,
  takeaway: line,
  code: z.strictObject({ js: codeLines, asyncio: codeLines }).optional(),
  view: z.enum(['rows', 'timeline', 'lesson']).optional(),
  pauseAt: z
    .array(z.strictObject({ at: z.enum(['deadline', 'start', 'end']), source: z.string().min(1).max(200).optional(), caption: line }))
    .max(8)
    .optional(),
  focus: z.enum(LESSON_FOCUS).optional(),
  /** The lecture's other way (`--contrast` runs it after this one): `{"flags": ["-c", "1"], "main": "together", "label": "one at a time"}`. */
  contrast: contrastSchema.optional(),
  points: z
    .array(
      z.strictObject({
        // A file of the package the overlay may read, never a path out of it.
        file: z.string().regex(/^src\/(sources|pipeline)\/[a-z0-9-]+\.ts$/, 'expected a file like src/sources/simulated.ts'),
        find: z.string().min(1).max(80),
        lines: z.int().min(1).max(8).optional(),
      }),
    )
    .max(6)
    .optional(),
});

/** Run settings a sources directory may carry in ingest.json; a flag overrides each (cli/settings.ts, resolveRunSettings). */
export const runDefaultsSchema = z.strictObject({
  $schema: z.string().max(500).optional(),
  /** One line for `ingest-tui list`. */
  description: line.optional(),
  concurrency: z.int().min(1).max(LIMITS.concurrency).optional(),
  timeout: durationField.optional(),
  deadline: durationField.optional(),
  seed: z.int().min(-LIMITS.seed).max(LIMITS.seed).optional(),
  slowmo: z.number().min(LIMITS.slowmo.min).max(LIMITS.slowmo.max).optional(),
  sink: z.enum(['ndjson', 'sqlite', 'postgres', 'none']).optional(),
  offload: z.boolean().optional(),
  /** Start the offline HTTP server (`ingest-tui serve`) for the run; "/path" URLs resolve against it. */
  serve: z.strictObject({ port: z.int().min(0).max(65535).default(0) }).optional(),
  lesson: lessonSchema.optional(),
});
export type RunDefaults = z.output<typeof runDefaultsSchema>;

/** A validated source entry, with where it came from so later errors can point at it. */
export interface SourceConfig {
  name: string;
  kind: string;
  config: SourceFileConfig;
  file: string;
  baseDir: string;
}

export interface LoadedSources {
  configs: SourceConfig[];
  defaults: RunDefaults;
  /** The directory of the sources (or of the single file). */
  dir: string;
  /** --sources named a directory (not one file). */
  directory: boolean;
  /** Every file read to load them: the source files, and the directory's ingest.json (if any). */
  files: string[];
}

export const DEFAULTS_FILE = 'ingest.json';

export async function loadSources(pathArg: string): Promise<LoadedSources> {
  const path = resolve(pathArg);
  const info = await stat(path).catch((cause) => {
    throw new ConfigError(`${pathArg}: no such file or directory (--sources)`, { cause });
  });
  const dir = info.isDirectory() ? path : dirname(path);
  const files = info.isDirectory()
    ? (await readdir(path))
        .filter((f) => f.endsWith('.json') && f !== DEFAULTS_FILE)
        .sort()
        .map((f) => join(path, f))
    : [path];
  const defaults = info.isDirectory() ? await loadDefaults(join(path, DEFAULTS_FILE)) : {};
  const read = info.isDirectory() ? [...files, join(path, DEFAULTS_FILE)] : files;

  const configs: SourceConfig[] = [];
  // By how names look on screen, not by their bytes: "orders\u200b" or "\u001b[1morders" would
  // pass for "orders" in every table and log line.
  const seen = new Map<string, { name: string; file: string }>();
  for (const file of files) {
    for (const entry of parseSourceFile(file, await readJson(file))) {
      const key = displayKey(entry.name);
      const other = seen.get(key);
      if (other?.name === entry.name) {
        throw new ConfigError(`${show(file)}: ${entry.at}name: duplicate source name "${entry.name}" (also in ${show(other.file)})`);
      }
      if (other !== undefined) {
        throw new ConfigError(
          `${show(file)}: ${entry.at}name: source name ${escapedName(entry.name)} looks the same as ${escapedName(other.name)} (in ${show(other.file)}) once shown; rename one`,
        );
      }
      seen.set(key, { name: entry.name, file });
      configs.push({ name: entry.name, kind: entry.config.kind, config: entry.config, file, baseDir: dirname(file) });
    }
  }
  if (configs.length === 0) throw new ConfigError(`${pathArg}: no sources found (expected *.json source files)`);
  return { configs, defaults, dir, directory: info.isDirectory(), files: read };
}

export function createSources(configs: SourceConfig[], env: Omit<SourceEnv, 'baseDir'>): Source[] {
  // One env per directory, shared: a "count": 100000 entry would otherwise copy it 100,000 times.
  const envs = new Map<string, SourceEnv>();
  const envFor = (baseDir: string) => envs.get(baseDir) ?? envs.set(baseDir, { ...env, baseDir }).get(baseDir)!;
  // A "count" entry's sources differ only in their names: past LAZY_FROM, one is made up front as
  // the model of the others, which are made when they are read. Queued, each costs a few fields,
  // not a source with its closure and a copy of the config (~500 bytes: 530 MB less peak RSS at
  // 1,000,000 × -c 10000). Below it they are made here: a run that starts all of them at once
  // (100,000 at -c 100000) peaked ~250 MB higher making them mid-run than at load.
  const models = new Map<SourceFileConfig, Source>();
  return configs.map((c) => {
    try {
      const env = envFor(c.baseDir);
      if (c.config.count === undefined || c.config.count < LAZY_FROM) return createSource({ ...c.config, name: c.name }, env);
      let model = models.get(c.config);
      if (!model) {
        model = createSource({ ...c.config, name: c.name }, env);
        models.set(c.config, model);
      }
      return new CountedSource(c.name, model, c.config, env);
    } catch (err) {
      // A kind may find a problem only once it sees the run (e.g. no server for a relative URL).
      if (err instanceof ConfigError) throw new ConfigError(`${show(c.file)}: ${err.message}`, { cause: err });
      throw err;
    }
  });
}

/** From this "count" on, an entry's sources are made when read (see createSources). */
const LAZY_FROM = 200_000;

/** One of a "count" entry's sources: everything but its name is its model's, and its reader is made when it is read. */
class CountedSource implements Source {
  readonly kind: string;
  readonly expected: Source['expected'];
  readonly timeoutMs: number | undefined;
  readonly cpuCostMs: number | undefined;
  readonly reads: Source['reads'];
  constructor(
    readonly name: string,
    model: Source,
    private readonly config: SourceFileConfig,
    private readonly env: SourceEnv,
  ) {
    this.kind = model.kind;
    this.expected = model.expected;
    this.timeoutMs = model.timeoutMs;
    this.cpuCostMs = model.cpuCostMs;
    this.reads = model.reads;
  }
  read(ctx: SourceContext) {
    return createSource({ ...this.config, name: this.name }, this.env).read(ctx);
  }
}

async function loadDefaults(file: string): Promise<RunDefaults> {
  const json = await readJson(file, true);
  if (json === undefined) return {};
  const parsed = runDefaultsSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) throw new ConfigError(`${show(file)}: ${formatIssue(mainIssue(parsed.error.issues), '', runDefaultsSchema)}`);
  return parsed.data;
}

interface ParsedEntry {
  name: string;
  config: SourceConfig['config'];
  at: string;
}

function parseSourceFile(file: string, json: unknown): ParsedEntry[] {
  const list = Array.isArray(json) ? json : [json];
  const entries: ParsedEntry[] = [];
  list.forEach((raw, i) => {
    const at = Array.isArray(json) ? `[${i}].` : '';
    // Typed where it is declared, so that TypeScript knows nothing after a fail() call runs.
    const fail: (message: string) => never = (message) => {
      throw new ConfigError(`${show(file)}: ${message}`);
    };
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      fail(`${at ? at.slice(0, -1) : '(top level)'}: expected a source object`);
    }
    const kindName = (raw as { kind?: unknown }).kind;
    const known = [...sourceKinds.keys()].join(', ');
    if (kindName === undefined) fail(`${at}kind: missing (one of ${known})`);
    const kind = typeof kindName === 'string' ? sourceKinds.get(kindName) : undefined;
    if (!kind)
      fail(
        `${at}kind: unknown kind ${JSON.stringify(kindName)}${typeof kindName === 'string' ? didYouMean(kindName, sourceKinds.keys()) : ''} (expected one of ${known})`,
      );
    const parsed = kind.schema.safeParse(raw, { reportInput: true });
    if (!parsed.success) fail(formatIssue(mainIssue(parsed.error.issues), at, kind.schema));
    const config = parsed.data;
    for (const name of expandNames(config.name, config.count)) entries.push({ name, config, at });
  });
  return entries;
}

/** A name in a message, every character that is not printable ASCII spelled out: "or\u200bders". */
function escapedName(name: string): string {
  const text = JSON.stringify(name.slice(0, 100)).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return name.length > 100 ? `${text}…` : text;
}

/** `"count": 1000` turns one entry into orders-0001 … orders-1000. */
function expandNames(name: string, count: number | undefined): string[] {
  if (count === undefined) return [name];
  const width = Math.max(4, String(count).length);
  return Array.from({ length: count }, (_, i) => `${name}-${String(i + 1).padStart(width, '0')}`);
}

/** The fields an object schema (inside optionals, defaults and refinements) takes at `path`. */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: unknown = schema;
  const unwrap = (x: unknown): unknown => {
    for (let i = 0; i < 10 && x; i++) {
      const def = (x as { _zod?: { def?: { innerType?: unknown; in?: unknown } } })._zod?.def;
      if ((x as { shape?: unknown }).shape) return x;
      x = def?.innerType ?? def?.in;
    }
    return x;
  };
  for (const key of path) {
    const shape = (unwrap(s) as { shape?: Record<string, unknown> } | undefined)?.shape;
    s = typeof key === 'string' ? shape?.[key] : undefined;
  }
  return Object.keys((unwrap(s) as { shape?: object } | undefined)?.shape ?? {});
}

/**
 * The issue to report: the first, except that of several bounds on one field the tightest is
 * meant (z.int() checks the safe-integer range before the field's own max).
 */
function mainIssue(issues: z.core.$ZodIssue[]): z.core.$ZodIssue {
  const first = issues[0]!;
  const key = first.path.join('\0');
  let main = first;
  for (const issue of issues) {
    if (issue.path.join('\0') !== key || issue.code !== first.code) continue;
    if (issue.code === 'too_big' && main.code === 'too_big' && Number(issue.maximum) < Number(main.maximum)) main = issue;
    if (issue.code === 'too_small' && main.code === 'too_small' && Number(issue.minimum) > Number(main.minimum)) main = issue;
  }
  return main;
}

function formatIssue(issue: z.core.$ZodIssue, at: string, schema?: z.ZodType): string {
  const path = at + issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const known = schema ? keysAt(schema, issue.path) : [];
    return `${issue.path.length > 0 ? `${path}.` : at}${key}: unknown field${didYouMean(key, known)}`;
  }
  return `${path || '(top level)'}: ${describeIssue(issue)}`;
}

/** zod's words made plain: what was expected and what was given, and bounds as bounds. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const name = (type: string) => TYPE_NAMES[type] ?? type;
  switch (issue.code) {
    case 'invalid_type': {
      const received = (issue as { received?: string }).received;
      if (issue.input === undefined && received === undefined) return `missing (expected ${name(issue.expected)})`;
      // A schema's own words for what it expects ("a duration like …") say more than the type.
      const wanted = issue.message.startsWith('Invalid input') ? name(issue.expected) : issue.message;
      return `expected ${wanted}, got ${received ?? describeValue(issue.input)}`;
    }
    case 'too_big':
      return issue.origin === 'number' || issue.origin === 'int'
        ? `at most ${count(issue.maximum)}, got ${describeValue(issue.input)}`
        : issue.message.replace(/^Too big: expected/, 'expected');
    case 'too_small':
      return issue.origin === 'number' || issue.origin === 'int'
        ? `at least ${count(issue.minimum)}, got ${describeValue(issue.input)}`
        : issue.message.replace(/^Too small: expected/, 'expected');
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(issue.input)}`;
    default:
      return issue.message;
  }
}

const TYPE_NAMES: Record<string, string> = {
  int: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
};

const count = (n: number | bigint) => (typeof n === 'number' && Math.abs(n) < 1e15 ? n.toLocaleString('en-US') : String(n));

/** A JSON value as a message shows it: `the string "20"`, `1.5`, `an array`. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return count(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** Source files and ingest.json describe sources, they do not hold data: a few megabytes at most. */
const MAX_SOURCE_FILE_BYTES = 8e6;

async function readJson(file: string, optional = false): Promise<unknown> {
  let text: string;
  try {
    text = await readSmallFile(file, MAX_SOURCE_FILE_BYTES);
  } catch (cause) {
    if (optional && (cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (cause instanceof ConfigError) throw new ConfigError(`${show(file)}: ${cause.message}`, { cause });
    throw new ConfigError(`${show(file)}: cannot read (${(cause as NodeJS.ErrnoException).code ?? cause})`, { cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`${show(file)}: invalid JSON ${jsonErrorLocation(text, cause)}`, { cause });
  }
}

/** V8 says "at position N"; people want line and column. */
function jsonErrorLocation(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const match = /at position (\d+)/.exec(message);
  const position = match ? Number(match[1]) : /end of JSON input/.test(message) ? text.length : undefined;
  const reason = message
    .replace(/^(SyntaxError: )?/, '')
    .replace(/, "[\s\S]*" is not valid JSON$/, '')
    .replace(/ in JSON at position \d+.*$/, '');
  if (position === undefined) return `(${reason})`;
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `at line ${line}, column ${column} (${reason})`;
}

/** Paths in messages are relative to where the user stands, as they typed them. */
export function show(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}
