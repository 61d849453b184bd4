import type { Source } from '../sources/source.js';

/**
 * Where the scheduler's lanes get their next source: a fixed list on one machine, or a fleet run's
 * table shared by several workers (src/fleet/feed.ts). `next` may wait (a fleet's sources held by
 * other workers); it rejects with the signal's reason once the signal aborts, and resolves
 * undefined when there will be no more sources for this lane.
 */
export interface SourceFeed {
  next(signal: AbortSignal): Promise<Source | undefined>;
}
