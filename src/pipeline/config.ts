import { readdir, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { sourceKinds } from '../sources/registry.js';
import type { Source, SourceEnv } from '../sources/source.js';
import { duration } from '../util/duration.js';
import { readSmallFile } from '../util/files.js';

const line = z.string().min(1, 'must not be empty').max(200);
const codeLines = z.array(z.string().max(80)).min(1).max(6);

/** A lecture scenario's lesson: the overlay's text. One line each, so it fits a projector. */
export const lessonSchema = z.strictObject({
  title: line,
  js: line,
  asyncio: line,
  takeaway: line,
  code: z.strictObject({ js: codeLines, asyncio: codeLines }).optional(),
  view: z.enum(['rows', 'timeline', 'lesson']).optional(),
});

/** Run defaults a sources directory may carry in ingest.json; command-line flags override them. */
export const runDefaultsSchema = z.strictObject({
  concurrency: z.int().min(1).max(1_000_000).optional(),
  timeout: duration.optional(),
  deadline: duration.optional(),
  seed: z.int().optional(),
  slowmo: z.number().positive().max(1000).optional(),
  sink: z.enum(['ndjson', 'sqlite', 'none']).optional(),
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
  config: { name: string; kind: string; timeout?: number };
  file: string;
  baseDir: string;
}

export interface LoadedSources {
  configs: SourceConfig[];
  defaults: RunDefaults;
  /** The directory of the sources (or of the single file). */
  dir: string;
}

export const DEFAULTS_FILE = 'ingest.json';

export async function loadSources(pathArg: string): Promise<LoadedSources> {
  const path = resolve(pathArg);
  const info = await stat(path).catch((cause) => {
    throw new ConfigError(`${pathArg}: no such file or directory (--sources)`, { cause });
  });
  const dir = info.isDirectory() ? path : dirname(path);
  const files = info.isDirectory()
    ? (await readdir(path)).filter((f) => f.endsWith('.json') && f !== DEFAULTS_FILE).sort().map((f) => join(path, f))
    : [path];
  const defaults = info.isDirectory() ? await loadDefaults(join(path, DEFAULTS_FILE)) : {};

  const configs: SourceConfig[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    for (const entry of parseSourceFile(file, await readJson(file))) {
      const other = seen.get(entry.name);
      if (other !== undefined) {
        throw new ConfigError(`${show(file)}: ${entry.at}name: duplicate source name "${entry.name}" (also in ${show(other)})`);
      }
      seen.set(entry.name, file);
      configs.push({ name: entry.name, kind: entry.config.kind, config: entry.config, file, baseDir: dirname(file) });
    }
  }
  if (configs.length === 0) throw new ConfigError(`${pathArg}: no sources found (expected *.json source files)`);
  return { configs, defaults, dir };
}

export function createSources(configs: SourceConfig[], env: Omit<SourceEnv, 'baseDir'>): Source[] {
  // One env per directory, shared: a "count": 100000 entry would otherwise copy it 100,000 times.
  const envs = new Map<string, SourceEnv>();
  const envFor = (baseDir: string) => envs.get(baseDir) ?? envs.set(baseDir, { ...env, baseDir }).get(baseDir)!;
  return configs.map((c) => {
    try {
      return sourceKinds.get(c.kind)!.create({ ...c.config, name: c.name }, envFor(c.baseDir));
    } catch (err) {
      // A kind may find a problem only once it sees the run (e.g. no server for a relative URL).
      if (err instanceof ConfigError) throw new ConfigError(`${show(c.file)}: ${err.message}`, { cause: err });
      throw err;
    }
  });
}

async function loadDefaults(file: string): Promise<RunDefaults> {
  const json = await readJson(file, true);
  if (json === undefined) return {};
  const parsed = runDefaultsSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(`${show(file)}: ${formatIssue(parsed.error.issues[0]!, '')}`);
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
    const fail = (message: string): never => {
      throw new ConfigError(`${show(file)}: ${message}`);
    };
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      fail(`${at ? at.slice(0, -1) : '(top level)'}: expected a source object`);
    }
    const kindName = (raw as { kind?: unknown }).kind;
    const known = [...sourceKinds.keys()].join(', ');
    if (kindName === undefined) fail(`${at}kind: missing (one of ${known})`);
    const kind = typeof kindName === 'string' ? sourceKinds.get(kindName) : undefined;
    if (!kind) fail(`${at}kind: unknown kind ${JSON.stringify(kindName)} (expected one of ${known})`);
    const parsed = kind!.schema.safeParse(raw);
    if (!parsed.success) fail(formatIssue(parsed.error.issues[0]!, at));
    const config = parsed.data as SourceConfig['config'] & { count?: number };
    for (const name of expandNames(config.name, config.count)) entries.push({ name, config, at });
  });
  return entries;
}

/** `"count": 1000` turns one entry into orders-0001 … orders-1000. */
function expandNames(name: string, count: number | undefined): string[] {
  if (count === undefined) return [name];
  const width = Math.max(4, String(count).length);
  return Array.from({ length: count }, (_, i) => `${name}-${String(i + 1).padStart(width, '0')}`);
}

export function formatIssue(issue: z.core.$ZodIssue, at: string): string {
  const path = at + issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    return `${path ? `${path}.` : at}${key}: unknown field`;
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${path}: missing (${issue.message})`;
  return `${path || '(top level)'}: ${issue.message}`;
}

/** Source files and ingest.json describe sources, they do not hold data: a few megabytes at most. */
export const MAX_SOURCE_FILE_BYTES = 8e6;

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
  const reason = message.replace(/^(SyntaxError: )?/, '').replace(/, "[\s\S]*" is not valid JSON$/, '').replace(/ in JSON at position \d+.*$/, '');
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
