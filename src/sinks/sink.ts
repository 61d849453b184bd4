import type { Chunk } from '../sources/source.js';

/**
 * Where transformed records go. `records` in a written chunk are JSON lines. The pipeline calls
 * endSource() when a source finishes (so 10,000 sources never hold 10,000 open files) and
 * close() always, on every path: done, failed, cancelled, interrupted.
 */
export interface Sink {
  readonly kind: string;
  open(): Promise<void>;
  write(source: string, chunk: Chunk): Promise<void>;
  endSource(source: string): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** --sink none: counts as persisted, writes nothing. For measuring the pipeline alone. */
export function noneSink(): Sink {
  const resolved = async () => {};
  return { kind: 'none', open: resolved, write: resolved, endSource: resolved, flush: resolved, close: resolved };
}
