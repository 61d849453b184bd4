import type { Source } from '../sources/source.js';

/** What a source has read so far, in the units it may have said to expect. */
export interface ReadSoFar {
  chunks: number;
  bytes: number;
}

/** How far along one source is (0..1), by what it said to expect; undefined when it said nothing. */
export function fractionOf(expected: Source['expected'], read: ReadSoFar): number | undefined {
  if (expected?.chunks) return Math.min(1, read.chunks / expected.chunks);
  if (expected?.bytes) return Math.min(1, read.bytes / expected.bytes);
  return undefined;
}

/** Below this much of the work done, or this early, an ETA would be a guess: none is given. */
const ETA_FROM_FRACTION = 0.02;
const ETA_FROM_MS = 500;

/**
 * The whole run's progress, as rclone and aria2 show it: every source weighs the same, a source
 * that has ended (whatever its state) is all done, a queued one not at all, a running one by the
 * chunks or bytes it said to expect. Known only while every source that has not ended said what
 * to expect: an HTTP stream of unknown length makes it unknown, not made up.
 *
 * Kept as one running sum, told each change with the source's counts before and after: no state
 * per source, so a million sources cost nothing here.
 */
export class RunProgress {
  #sum = 0;
  #unknown = 0;
  readonly #sources: number;

  constructor(sources: readonly Source[]) {
    this.#sources = sources.length;
    for (const source of sources) if (fractionOf(source.expected, { chunks: 0, bytes: 0 }) === undefined) this.#unknown += 1;
  }

  /** A chunk was read: `read` counts it, `chunk` is what it added. */
  read(source: Source, read: ReadSoFar, chunk: ReadSoFar): void {
    const after = fractionOf(source.expected, read);
    if (after === undefined) return;
    this.#sum += after - fractionOf(source.expected, { chunks: read.chunks - chunk.chunks, bytes: read.bytes - chunk.bytes })!;
  }

  /** The source has ended, in any state: its share is done. */
  ended(source: Source, read: ReadSoFar): void {
    const before = fractionOf(source.expected, read);
    if (before === undefined) this.#unknown -= 1;
    this.#sum += 1 - (before ?? 0);
  }

  /**
   * The fraction done and, once enough is known, the time left at the pace so far (run time, ms);
   * never past the deadline, which ends the run whatever is left.
   */
  estimate(runMs: number, deadlineMs?: number): { progress?: number; etaMs?: number } {
    if (this.#unknown > 0 || this.#sources === 0) return {};
    const progress = Math.min(1, Math.max(0, this.#sum / this.#sources));
    const rounded = Math.floor(progress * 1000) / 1000; // 99.96% is not done
    if (progress >= 1) return { progress: 1, etaMs: 0 };
    if (progress < ETA_FROM_FRACTION || runMs < ETA_FROM_MS) return { progress: rounded };
    let etaMs = (runMs * (1 - progress)) / progress;
    if (deadlineMs !== undefined) etaMs = Math.min(etaMs, Math.max(0, deadlineMs - runMs));
    return { progress: rounded, etaMs: Math.round(etaMs) };
  }
}
