import type { Source } from '../sources/source.js';
import type { FleetInfo, FleetTotals } from './events.js';
import type { Feed } from './scheduler.js';

/**
 * Where the scheduler's lanes get their next source: a fixed list on one machine (arrayFeed, the
 * default of startPipeline(sources, …)), or a fleet run's table shared by several workers
 * (src/fleet/feed.ts). A lane asks only when it is free, so a queued source costs the feed's
 * bytes, not a promise and a closure. `next` may answer at once (the array) or wait (a fleet's
 * sources held by other workers); it rejects with the signal's reason once the signal aborts, and
 * gives undefined when there will be no more sources for this lane. `size`, when the feed knows
 * it, lets a run with room for every source start them all at once, as asyncio.gather does.
 */
export interface SourceFeed extends Feed<Source> {
  next(signal: AbortSignal): Source | undefined | Promise<Source | undefined>;
  readonly size?: number;
  /** A fleet's feed: the run it shares and this worker, for run-start. */
  readonly fleet?: FleetInfo;
  /** The worker a source was taken from, when it was taken over (said in its source-start). */
  takenFrom?(source: string): string | undefined;
  /** The whole run's totals (every worker's), for `fleet` events and the summary. */
  runTotals?(): Promise<FleetTotals>;
}
