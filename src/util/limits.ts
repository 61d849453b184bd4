/**
 * The one set of bounds for every number a user, a file or a server can set: flags, ingest.json,
 * source files, environment variables and the offline server's query strings all check against
 * these (README, "Limits"). Each keeps one process within memory, or within a timer Node can keep.
 * No zod here: --help loads this.
 */
export const LIMITS = {
  /** Any duration: 24 days. Node's longest single timer is 2^31-1 ms (~24.8 days). */
  durationMs: 24 * 24 * 3600_000,
  /** --concurrency and ingest.json's concurrency. */
  concurrency: 1_000_000,
  /** Sources in one run, "count" expansions included. */
  sources: 1_000_000,
  slowmo: { min: 0.01, max: 1000 },
  /** CPU a chunk's transform may burn (cpuCost): it holds the loop, so it is kept short. */
  cpuCostMs: 10_000,
  /**
   * A pretend cleanup (simulated `cleanup`, database `closeDelay`): it runs even after a cancel,
   * so a stop waits for it; longer would outlast the grace period a Ctrl-C is promised.
   */
  cleanupMs: 10_000,
  /** Records in one chunk, for every kind: a chunk is held in memory whole. */
  chunkRecords: 100_000,
  /** A simulated chunk's bytes (records × their payload). */
  chunkBytes: 64 * 1024 * 1024,
  /** Chunks, rows or pages one source may be asked for: time, not memory, but not forever. */
  chunks: 1_000_000_000,
  seed: Number.MAX_SAFE_INTEGER,
  /** Items on one page of the offline server's paginated API. */
  pageItems: 10_000,
  /**
   * A line a file or ndjson source hands on whole (maxRecordBytes): it is held a few times over
   * while it is joined, decoded, parsed and written, and V8's longest string is ~512 M characters.
   */
  recordBytes: 256e6,
  /** Pages one json-pages source reads in a run (maxPages): each one read is remembered. */
  pages: 1_000_000,
} as const;

const DAY = 24 * 3600_000;

/** "24 days" for messages: the bound as a person reads it. */
export const MAX_DURATION_TEXT = `${LIMITS.durationMs / DAY}d`;
