import { z } from 'zod';
import { durationField, durationUpTo } from '../util/duration.js';
import { LIMITS } from '../util/limits.js';

/** Where a source is, so a later run can continue from there. `seq` is the next chunk's number. */
export type Cursor = { seq: number } & Record<string, unknown>;

export interface SourceContext {
  /** Aborted on cancel, per-source timeout, run deadline and Ctrl-C. Every await honours it. */
  signal: AbortSignal;
  /** The last persisted position, when resuming. */
  resumeFrom?: Cursor;
  /** A line for the dashboard's log ("connection opened"); makes lifecycle steps visible. */
  note(text: string): void;
  /** Record a retry so the dashboard and the summary can count it. */
  retry?(attempt: number, delayMs: number, reason: string): void;
  /** `performance.now()` at which the source's timeout fires, when it has one: no wait should pass it. */
  timeoutAt?: number;
}

/** Records are raw JSON text (as read off a wire or a file), already parsed values, or an UnreadableRecord. */
export interface Chunk {
  seq: number;
  records: unknown[];
  bytes: number;
  cursor: Cursor;
}

export interface Source {
  name: string;
  kind: string;
  expected?: { chunks?: number; bytes?: number };
  /** Per-source timeout in ms, from the source file; the run's --timeout applies otherwise. */
  timeoutMs?: number;
  /** CPU time each chunk's transform costs, like a synchronous library call (hashing, PDF). */
  cpuCostMs?: number;
  /** Local files it reads, by config field ({ path: "/data/x.ndjson" }): no output may overwrite them. */
  reads?: Record<string, string>;
  read(ctx: SourceContext): AsyncGenerator<Chunk>;
}

/** What a source factory may need besides its own config. */
export interface SourceEnv {
  /** The directory of the source file: relative paths resolve against it. */
  baseDir: string;
  seed: number;
  /** Stretches simulated time (2 = twice as slow) so a class can follow. */
  slowmo: number;
  /** Base URL of the offline server started for this run ("serve" in ingest.json), if any. */
  serveUrl?: string;
}

/** Fields every kind accepts. */
export const commonFields = {
  /** The JSON Schema an editor checks the file with (schemas/source.schema.json). */
  $schema: z.string().max(500).optional(),
  name: z.string().min(1, 'must not be empty').max(1000),
  timeout: durationField.optional(),
  count: z.int().min(1).max(LIMITS.sources).optional(),
  /** Burns the loop synchronously, so it is kept short: Ctrl-C waits for it. */
  cpuCost: durationUpTo(LIMITS.cpuCostMs, '10s').optional(),
};

/** What every kind's config has once its schema has checked it: the common fields and its `kind`. */
export type CommonConfig = { name: string; kind: string; timeout?: number; cpuCost?: number };

/** A kind's schema: it checks a source file's entry and gives that kind's config. */
export type KindSchema = z.ZodType<CommonConfig>;

/**
 * A kind of source: the schema a source file's entry must pass, and the factory that takes what
 * the schema gave, so the config's type is the schema's output all the way down. `in out` and
 * `create` as a property (not a method) make TypeScript check the factory's parameter strictly:
 * a database kind does not pass for a kind that takes any config (src/sources/registry.ts keeps
 * each kind's own type instead).
 */
export interface SourceKind<in out Schema extends KindSchema> {
  kind: z.output<Schema>['kind'];
  schema: Schema;
  create: (config: z.output<Schema>, env: SourceEnv) => Source;
}

/** A kind's factory deals with its own fields; the common ones (timeout, cpuCost) apply here. */
export function defineKind<Schema extends KindSchema>(
  kind: z.output<Schema>['kind'],
  schema: Schema,
  create: (config: z.output<Schema>, env: SourceEnv) => Source,
): SourceKind<Schema> {
  return {
    kind,
    schema,
    create: (config, env) => ({ timeoutMs: config.timeout, cpuCostMs: config.cpuCost, ...create(config, env) }),
  };
}
