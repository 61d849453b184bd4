import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { access, constants, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { z } from 'zod';
import { describeError, IngestError } from '../../errors.js';
import { DEAD_LETTER_FILE, rewindDeadLetters } from '../../sinks/dead-letter.js';
import { safeFileName } from '../../sinks/file-names.js';
import type { Sink, SinkPosition } from '../../sinks/sink.js';
import type { Cursor, Source } from '../../sources/source.js';
import type { SourceState } from '../events.js';
import type { Checkpoints } from '../run.js';
import { type FileToReset, MANIFEST_FILE, readOwnership } from './ownership.js';

/** Checkpoints live beside the outputs they describe: <out>/.checkpoints/<source>.json. */
export const CHECKPOINT_DIR = '.checkpoints';
export const checkpointFile = (out: string, source: string) => join(out, CHECKPOINT_DIR, `${safeFileName(source)}.json`);
export const CHECKPOINT_FORMAT = 'ingest-tui/checkpoint@1';

const checkpointSchema = z.strictObject({
  format: z.literal(CHECKPOINT_FORMAT),
  source: z.string(),
  kind: z.string(),
  /** Hash of the source's configuration and --seed: a resumed source must read the same data. */
  fingerprint: z.string(),
  sink: z.string(),
  /** Where the source continues; absent when it ended before persisting anything. */
  cursor: z.looseObject({ seq: z.int().min(0) }).optional(),
  /** The sink's position after the last persisted chunk (NDJSON: the file's length). */
  position: z.strictObject({ bytes: z.int().min(0).optional() }).optional(),
  done: z.boolean(),
});
export type Checkpoint = z.output<typeof checkpointSchema>;

/** What the checkpoints need to know about each source of the run. */
export interface CheckpointTarget {
  name: string;
  kind: string;
  fingerprint: string;
}

export interface CheckpointStore extends Checkpoints {
  readonly dir: string;
  /** How to go on after a stop, for the drain receipt; default: --resume with the same --out. */
  readonly continueWith?: string;
  /** The source's checkpoint on disk: loaded from the last run, or written during this one. */
  current(source: string): Checkpoint | undefined;
  /** Sources done in the previous run do not run again: they end at once with zero records. */
  skipDone(sources: Source[]): Source[];
  /** Once the run's outputs are closed: the manifest remembers how they look (see ownership.ts). */
  sealOutputs(): Promise<void>;
}

/**
 * Opens the run's checkpoints and lines the outputs up with them. With `resume`, each source's
 * checkpoint is loaded and checked (refused if corrupt or written for another configuration),
 * and the sink cuts every output back to its checkpoint. Without, the run's sources start over:
 * their old checkpoints and outputs go; other sources' files in --out are left alone. Either way
 * a file already there is removed or cut back only if ingest-tui wrote it (see ownership.ts),
 * and a refusal comes before anything in --out changes.
 *
 * Checkpoints move only after the sink has persisted a chunk (at-least-once), and each is
 * replaced atomically (temp file + rename): a kill -9 leaves the old one or the new one.
 * A rename that replaces a file costs a journal flush on ext4 (~1 ms), so a running source's
 * checkpoint moves at most every `everyMs`; when the source ends (done, failed, cancelled by
 * Ctrl-C) it moves to the last persisted chunk. After a kill -9, --resume cuts away and reads
 * again what came after the checkpoint: at most `everyMs` of each source.
 */
export async function openCheckpoints(options: {
  out: string;
  sink: Sink;
  targets: CheckpointTarget[];
  resume: boolean;
  everyMs?: number;
}): Promise<CheckpointStore> {
  const { out, sink, targets, resume, everyMs = 1000 } = options;
  const dir = join(out, CHECKPOINT_DIR);
  const fileOf = (name: string) => checkpointFile(out, name);
  const known = new Map<string, Checkpoint>();
  const byName = new Map(targets.map((t) => [t.name, t]));
  const limit = pLimit(64); // 10,000 sources must not mean 10,000 open files

  // First only look: a refusal leaves --out exactly as it was.
  const ownership = await readOwnership(out, join(dir, MANIFEST_FILE));
  /** Per source, the sink of a checkpoint of ours: it vouches for the source's output files. */
  const vouchers = new Map<string, string>();
  const foreignCheckpoints = new Set<string>();
  if (resume) {
    const loaded = await Promise.allSettled(
      targets.map((target) =>
        limit(async () => {
          const checkpoint = await load(fileOf(target.name), target, sink.kind);
          if (checkpoint) known.set(target.name, checkpoint);
          if (checkpoint) vouchers.set(target.name, checkpoint.sink);
        }),
      ),
    );
    // The first refusal in configured order, not the first to finish: the same error every time.
    const refused = loaded.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (refused) throw refused.reason;
  } else {
    for (const target of targets) {
      const found = peek(fileOf(target.name), target);
      if (found === 'foreign') foreignCheckpoints.add(target.name);
      else if (found) vouchers.set(target.name, found.sink);
    }
  }
  const outputs = [...new Set(targets.flatMap(({ name }) => sink.files?.(name) ?? [])), join(out, DEAD_LETTER_FILE)];
  ownership.check(outputsToReset());

  await outDir(out, async () => {
    await mkdir(out, { recursive: true });
    // Not recursive: on a read-only mount that reports EROFS, where a recursive mkdir says ENOENT.
    await mkdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    await access(dir, constants.W_OK); // a read-only mount says so here, not mid-run
    await ownership.claim(outputs); // listed before they are written: a kill -9 cannot orphan one
    if (!resume) await Promise.all(targets.map(({ name }) => limit(() => rm(fileOf(name), { force: true }))));
  });
  const keepUntil = (source: string) => known.get(source)?.cursor?.seq ?? 0;
  await outDir(out, async () => {
    await sink.rewind?.(
      targets.map(({ name }) => {
        const checkpoint = known.get(name);
        return { source: name, checkpoint: checkpoint && { seq: keepUntil(name), position: checkpoint.position } };
      }),
    );
    await rewindDeadLetters(out, (source, seq) => !byName.has(source) || seq < keepUntil(source));
  });

  /** What starting removes, empties or cuts back, each with what vouches for it being ours. */
  function outputsToReset(): FileToReset[] {
    const files = new Map<string, FileToReset>();
    const add = (path: string, vouched: boolean, kept: boolean) => {
      const other = files.get(path);
      files.set(path, { path, vouched: vouched || other?.vouched === true, kept: kept || other?.kept === true });
    };
    for (const { name } of targets) {
      for (const path of sink.files?.(name) ?? []) add(path, vouchers.get(name) === sink.kind, known.has(name));
      if (!resume) add(fileOf(name), !foreignCheckpoints.has(name), false);
    }
    add(join(out, DEAD_LETTER_FILE), vouchers.size > 0, known.size > 0);
    return [...files.values()];
  }

  /** Per source: the last persisted position not yet on disk, and when the checkpoint last moved. */
  const latest = new Map<string, { cursor: Cursor; position?: SinkPosition; savedAt: number }>();

  async function save(name: string, update: Pick<Checkpoint, 'cursor' | 'position' | 'done'>) {
    const target = byName.get(name);
    if (!target) return;
    const checkpoint: Checkpoint = { format: CHECKPOINT_FORMAT, source: name, kind: target.kind, fingerprint: target.fingerprint, sink: sink.kind, ...update };
    const file = fileOf(name);
    try {
      await writeFile(`${file}.tmp`, `${JSON.stringify(checkpoint)}\n`);
      await rename(`${file}.tmp`, file);
    } catch (cause) {
      throw new IngestError('E_SINK', `cannot write checkpoint ${file}: ${describeError(cause)}`, { cause });
    }
    known.set(name, checkpoint);
  }

  return {
    dir,
    resumeFrom: (name) => known.get(name)?.cursor as Cursor | undefined,
    async persisted(name, cursor) {
      const now = performance.now();
      const entry = latest.get(name) ?? { cursor, savedAt: now };
      entry.cursor = cursor;
      entry.position = sink.position?.(name);
      latest.set(name, entry);
      if (now - entry.savedAt < everyMs) return;
      entry.savedAt = now;
      await save(name, { cursor, position: entry.position, done: false });
    },
    async finished(name: string, state: SourceState) {
      const entry = latest.get(name);
      latest.delete(name);
      const previous = known.get(name);
      const done = state === 'done';
      if (entry) await save(name, { cursor: entry.cursor, position: entry.position, done });
      else if (done && !previous?.done) await save(name, { cursor: previous?.cursor, position: previous?.position ?? sink.position?.(name), done });
    },
    current: (name) => known.get(name),
    sealOutputs: () => ownership.seal(),
    skipDone: (sources) => sources.map((source) => (known.get(source.name)?.done ? skipped(source) : source)),
  };
}

async function load(file: string, target: CheckpointTarget, sinkKind: string): Promise<Checkpoint | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if (isAbsent(cause)) return undefined;
    throw new IngestError('E_CHECKPOINT', `${file}: cannot read checkpoint (${describeError(cause)})`, { cause });
  }
  const refuse = (why: string): never => {
    throw new IngestError('E_CHECKPOINT', `${file}: ${why}; run without --resume to start over`);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    refuse('corrupt checkpoint (not JSON)');
  }
  const parsed = checkpointSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    refuse(`corrupt checkpoint (${issue.path.join('.') || 'top level'}: ${issue.message})`);
  }
  const checkpoint = parsed.data!;
  if (checkpoint.source !== target.name) refuse(`checkpoint belongs to another source name`);
  if (checkpoint.kind !== target.kind) refuse(`checkpoint is for a ${checkpoint.kind} source, this one is ${target.kind}`);
  if (checkpoint.sink !== sinkKind) refuse(`checkpoint was written with --sink ${checkpoint.sink}, this run uses --sink ${sinkKind}`);
  if (checkpoint.fingerprint !== target.fingerprint) refuse("the source's configuration or --seed changed since the checkpoint");
  return checkpoint;
}

/** ENOTDIR too: when --out is a file, creating it reports that. */
const isAbsent = (err: unknown) => ['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '');

/**
 * Without --resume a checkpoint is only removed, so it need not fit the run: only be ours, a
 * checkpoint of this source, else it is refused rather than deleted. Says for which sink.
 * Synchronous: 10,000 of them take ~0.1 s this way, ~0.7 s through promises.
 */
function peek(file: string, target: CheckpointTarget): { sink: string } | 'foreign' | undefined {
  let text: string;
  try {
    if (!statSync(file, { throwIfNoEntry: false })) return undefined;
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    if (isAbsent(cause)) return undefined;
    if ((cause as NodeJS.ErrnoException).code === 'EISDIR') return 'foreign';
    throw new IngestError('E_CHECKPOINT', `${file}: cannot read checkpoint (${describeError(cause)})`, { cause });
  }
  try {
    const json = JSON.parse(text) as Partial<Checkpoint> | null;
    return json?.format === CHECKPOINT_FORMAT && json.source === target.name ? { sink: String(json.sink) } : 'foreign';
  } catch {
    return 'foreign';
  }
}

/** Errors touching --out itself (not a directory, read-only, no space) are usage errors. */
async function outDir<T>(out: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (cause) {
    if (cause instanceof IngestError) throw cause;
    throw new IngestError('E_OUT_DIR', `--out ${out}: cannot write there (${describeError(cause)})`, { cause });
  }
}

export function skipped(source: Source): Source {
  return {
    ...source,
    // A generator that ends at once: the source is done, and the pipeline accounts for it as one.
    // biome-ignore lint/correctness/useYield: it has nothing to yield
    async *read({ note }) {
      note('done in the previous run: skipped');
    },
  };
}

/**
 * A source's identity for --resume: its configuration (without name, count, timeout and $schema, which
 * do not change what it reads) and the seed of simulated data.
 */
export function sourceFingerprint(config: object, seed: number): string {
  const { name: _name, count: _count, timeout: _timeout, $schema: _schema, ...rest } = config as Record<string, unknown>;
  return createHash('sha256')
    .update(stableJson({ ...rest, seed }))
    .digest('hex')
    .slice(0, 16);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** "12 chunks · byte 40,960" — for the drain receipt. */
export function describeCheckpoint(checkpoint: Checkpoint | undefined): string {
  if (!checkpoint) return 'none';
  if (checkpoint.done) return 'done';
  const cursor = checkpoint.cursor;
  if (!cursor) return 'none';
  const offset = typeof cursor.offset === 'number' ? ` · byte ${cursor.offset.toLocaleString('en-US')}` : '';
  return `${cursor.seq.toLocaleString('en-US')} chunk${cursor.seq === 1 ? '' : 's'}${offset}`;
}
