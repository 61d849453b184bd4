import { UsageError } from '../errors.js';
import { deadLetterFile, discardDeadLetters, type DeadLetters } from '../sinks/dead-letter.js';
import { ndjsonSink } from '../sinks/ndjson.js';
import { noneSink, type Sink } from '../sinks/sink.js';
import { sqliteSink } from '../sinks/sqlite.js';
import type { Source } from '../sources/source.js';
import { openCheckpoints, sourceFingerprint, type CheckpointStore } from './checkpoints.js';
import type { SourceConfig } from './config.js';

export type SinkKind = 'ndjson' | 'sqlite' | 'none';

export interface Persistence {
  sink: Sink;
  deadLetters: DeadLetters;
  checkpoints?: CheckpointStore;
  /** The run's sources, those done in the resumed run replaced by ones that skip. */
  sources: Source[];
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
    return { sink: noneSink(), deadLetters: discardDeadLetters, sources };
  }
  const sink = options.sink === 'sqlite' ? sqliteSink(out) : ndjsonSink(out);
  try {
    const targets = options.configs.map((c) => ({ name: c.name, kind: c.kind, fingerprint: sourceFingerprint(c.config, options.seed) }));
    const checkpoints = await openCheckpoints({ out, sink, targets, resume: options.resume });
    return { sink, deadLetters: deadLetterFile(out, 'a'), checkpoints, sources: checkpoints.skipDone(sources) };
  } catch (err) {
    await sink.close().catch(() => {});
    throw err;
  }
}
