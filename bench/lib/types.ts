/** One line of the results table: a figure for ingest-tui next to the same figure for a baseline. */
export interface Row {
  case: string;
  measure: string;
  unit: 'ms' | 'MiB' | 'KiB' | 'MB/s' | 'k rec/s';
  /** ingest-tui's figure. */
  ours?: number;
  /** The baseline's figure, and what the baseline is ('raw Node', 'Python asyncio', ...). */
  baseline?: number;
  against?: string;
  /** Set when the figure could not be measured: 'n/a: feature not available (...)'. */
  na?: string;
  target?: Target;
}

/** A goal from issue 7, checked against the ratio or the absolute figure. */
export interface Target {
  text: string;
  met: boolean;
}

export interface BenchContext {
  quick: boolean;
  /** Best-of-N: how many times each side runs (alternating, so a noisy neighbour hits both). */
  runs: number;
  /** Generated data and outputs live here, never in the repo. */
  tmpDir: string;
  /** The built CLI (dist/cli.js). */
  cli: string;
  log(message: string): void;
}

export interface BenchCase {
  name: string;
  title: string;
  run(ctx: BenchContext): Promise<Row[]>;
}

/** A measurement that needs a feature this build does not have yet (another branch brings it). */
export class FeatureNotAvailable extends Error {}

export const MiB = 1024 * 1024;
