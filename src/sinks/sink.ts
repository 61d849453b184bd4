import type { Cursor } from '../sources/source.js';

/** A record its transform refused: its index in the chunk, why, and the start of its text. */
export interface RejectedRecord {
  index: number;
  reason: string;
  excerpt: string;
}

/** What the pipeline hands a sink for one chunk of a source. */
export interface SinkChunk {
  seq: number;
  /** The persistable records, each one line of JSON. */
  lines: string[];
  /** The records the transform refused (a transactional sink keeps them with the rows). */
  rejected: RejectedRecord[];
  /** Where the source goes on after this chunk (a transactional sink commits it with the rows). */
  cursor: Cursor;
}

/** Where a source's output stood after a write: what a checkpoint remembers beside the cursor. */
export interface SinkPosition {
  /** Length of the source's output file (NDJSON). */
  bytes?: number;
}

/** How far a source's output is kept when a run starts: up to its checkpoint, or nothing. */
export interface RewindTo {
  source: string;
  /** Absent: the source starts over and everything it wrote before goes. */
  checkpoint?: { seq: number; position?: SinkPosition };
}

/**
 * Where transformed records go. `records` in a written chunk are JSON lines. The pipeline calls
 * endSource() when a source finishes (so 10,000 sources never hold 10,000 open files) and
 * close() always, on every path: done, failed, cancelled, interrupted.
 */
export interface Sink {
  readonly kind: string;
  /**
   * A write waits for a round trip (a database's commit): the pipeline lets a source read on while
   * its earlier chunks are written, in order, a few at a time.
   */
  readonly writeBehind?: boolean;
  /** Idempotent: the persistence layer may open the sink before the pipeline does. */
  open(): Promise<void>;
  /**
   * Called for every chunk, empty ones too. Resolves once its lines are persisted: only then may
   * its checkpoint move past it.
   */
  write(source: string, chunk: SinkChunk): Promise<void>;
  endSource(source: string): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
  /** The files in the output directory that hold the source's records: a fresh start removes or empties them. */
  files?(source: string): string[];
  /** The source's output position after its last write, for the checkpoint. */
  position?(source: string): SinkPosition | undefined;
  /**
   * Before a run: cut each source's output back to its checkpoint (--resume) or empty it (a fresh
   * run), so what follows is appended exactly once.
   */
  rewind?(to: RewindTo[]): Promise<void>;
}

/** --sink none: counts as persisted, writes nothing. For measuring the pipeline alone. */
export function noneSink(): Sink {
  // One settled promise for every call: a new one per chunk is garbage at a million chunks.
  const done = Promise.resolve();
  const resolved = () => done;
  return { kind: 'none', open: resolved, write: resolved, endSource: resolved, flush: resolved, close: resolved };
}
