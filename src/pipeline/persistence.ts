import { UsageError } from '../errors.js';
import { join } from 'node:path';
import { DEAD_LETTER_FILE, deadLetterFile, discardDeadLetters, type DeadLetters } from '../sinks/dead-letter.js';
import { ndjsonSink } from '../sinks/ndjson.js';
import { noneSink, type Sink } from '../sinks/sink.js';
import { SQLITE_SIDECARS, sqliteSink } from '../sinks/sqlite.js';
import type { Source } from '../sources/source.js';
import { CHECKPOINT_DIR, checkpointFile, openCheckpoints, sourceFingerprint, type CheckpointStore } from './checkpoints.js';
import type { SourceConfig } from './config.js';
import type { PlannedWrite } from './output-guard.js';
import { MANIFEST_FILE } from './ownership.js';

export type SinkKind = 'ndjson' | 'sqlite' | 'none';

export interface Persistence {
  sink: Sink;
  deadLetters: DeadLetters;
  checkpoints?: CheckpointStore;
  /** The run's sources, those done in the resumed run replaced by ones that skip. */
  sources: Source[];
  /** After the run, its outputs closed: remember what it wrote (see ownership.ts). Never fails. */
  seal(): Promise<void>;
}

/**
 * Everything a run writes to --out, lined up before the first chunk: the sink, the dead-letter
 * file and the checkpoints (loaded and checked with --resume, cleared for a fresh run).
 */
export async function openPersistence(options: {
  sink: SinkKind;
  out: string;
  resume: boolean;
  configs: SourceConfig[];
  sources: Source[];
  seed: number;
}): Promise<Persistence> {
  const { out, sources } = options;
  if (options.sink === 'none') {
    if (options.resume) throw new UsageError('--resume needs --sink ndjson or sqlite: --sink none keeps nothing to resume from');
    return { sink: noneSink(), deadLetters: discardDeadLetters, sources, seal: async () => {} };
  }
  const sink = createSink(options.sink, out);
  try {
    const targets = options.configs.map((c) => ({ name: c.name, kind: c.kind, fingerprint: sourceFingerprint(c.config, options.seed) }));
    const checkpoints = await openCheckpoints({ out, sink, targets, resume: options.resume });
    // A manifest that cannot be sealed still lists the files: they stay ours, only their look unknown.
    const seal = () => checkpoints.sealOutputs().catch(() => {});
    return { sink, deadLetters: deadLetterFile(out, 'a'), checkpoints, sources: checkpoints.skipDone(sources), seal };
  } catch (err) {
    await sink.close().catch(() => {});
    throw err;
  }
}

const createSink = (kind: 'ndjson' | 'sqlite', out: string): Sink => (kind === 'sqlite' ? sqliteSink(out) : ndjsonSink(out));

/**
 * Every path in --out a run may create, change or remove, for refuseOverlaps(): the sink's files,
 * the dead letters, the checkpoints and the manifest, with the temp files they are replaced through.
 */
export function plannedWrites(options: { sink: SinkKind; out: string; names: string[]; flag: string }): PlannedWrite[] {
  const { out, names, flag } = options;
  if (options.sink === 'none') return [];
  const sink = createSink(options.sink, out);
  const writes: PlannedWrite[] = [];
  const add = (what: string, ...paths: string[]) => paths.forEach((path) => writes.push({ path, flag, what }));
  if (options.sink === 'sqlite') add('the SQLite database', ...sink.files!('').flatMap((db) => [db, ...SQLITE_SIDECARS.map((s) => db + s)]));
  else for (const name of names) add(`source ${JSON.stringify(name)}'s records`, ...sink.files!(name));
  const deadLetters = join(out, DEAD_LETTER_FILE);
  add('the dead letters', deadLetters, `${deadLetters}.tmp`);
  for (const name of names) add(`source ${JSON.stringify(name)}'s checkpoint`, checkpointFile(out, name), `${checkpointFile(out, name)}.tmp`);
  const manifest = join(out, CHECKPOINT_DIR, MANIFEST_FILE);
  add('the list of files it wrote', manifest, `${manifest}.tmp`);
  return writes;
}
