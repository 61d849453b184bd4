import type { SourceView } from './store.js';

/**
 * The timeline's geometry as plain data: what each cell of a lane shows and where the axis
 * labels go. Only the lanes on screen are laid out, each in O(cells + its intervals), so 10,000
 * sources cost no more than 30.
 */

/**
 * What a cell of a lane shows:
 * - queued: waiting for a slot;
 * - connect: started, not yet open (its notes said "connecting…", then "connection open");
 * - run: running, mostly suspended at an await;
 * - held: it held the event loop (a synchronous call: nothing else ran);
 * - frozen: running, but another source held the loop, so it could not move;
 * - cleanup: cancelled or timed out (or closing), its catch / finally still running;
 * - end: where it ended; blank: after that, or not yet.
 */
export type CellKind = 'queued' | 'connect' | 'run' | 'held' | 'frozen' | 'cleanup' | 'end' | 'blank';

/** The cell a run time falls in, on an axis of `cells` cells spanning `span` ms. */
export const cellOf = (t: number, span: number, cells: number) => Math.min(cells - 1, Math.max(0, Math.floor((t / span) * cells)));

export interface LaneContext {
  now: number;
  span: number;
  cells: number;
  /**
   * When the whole run was told to stop (deadline, q, Ctrl-C). Only for recordings made before
   * sources said when their own cancel landed: a source running then and ending cancelled spent
   * the time since in its cleanup.
   */
  stoppedAt?: number;
  /** When any source held the loop, [from, to, …] (Snapshot.held): the other lanes were frozen. */
  runHeld?: readonly number[];
}

/** Per cell, the share of it that the intervals [from, to, …] cover (0..1). */
export function coverage(intervals: readonly number[] | undefined, span: number, cells: number): Float32Array {
  const covered = new Float32Array(Math.max(0, cells));
  if (!intervals || cells <= 0) return covered;
  const width = span / cells;
  for (let i = 0; i + 1 < intervals.length; i += 2) {
    const from = intervals[i]!;
    const to = intervals[i + 1]!;
    for (let c = cellOf(from, span, cells); c < cells && c * width < to; c++) {
      covered[c]! += Math.max(0, Math.min(to, (c + 1) * width) - Math.max(from, c * width)) / width;
    }
  }
  return covered;
}

/** When a source began to clean up: its cancel, or its close / cleanup note, whichever came first. */
function cleanupFrom(view: SourceView, stoppedAt?: number): number | undefined {
  const marks = view.marks;
  // An older recording has no cancelling events: the run's stop stands in for them.
  const stopped =
    view.startedAt !== undefined && stoppedAt !== undefined && view.startedAt < stoppedAt && (view.state === 'cancelled' || view.state === 'running');
  const cancel = view.cancellingAt ?? (stopped ? stoppedAt : undefined);
  const times = [cancel, marks?.closing, marks?.cleaning].filter((t): t is number => t !== undefined);
  return times.length > 0 ? Math.min(...times) : undefined;
}

/**
 * One lane, cell by cell. `runCover` is `coverage(runHeld)`, computed once for all lanes: a cell
 * is held (or frozen) when the loop was held for at least half of it.
 */
export function laneCells(view: SourceView, { now, span, cells, stoppedAt }: LaneContext, runCover?: Float32Array): CellKind[] {
  if (cells <= 0) return [];
  const out: CellKind[] = new Array<CellKind>(cells).fill('blank');
  const ended = view.endedAt !== undefined && view.state !== 'running' && view.state !== 'queued';
  const stop = ended ? cellOf(view.endedAt!, span, cells) : cellOf(now, span, cells) + 1;
  // Rounded: a source that started within the first half cell (the run's own start-up) draws from 0.
  const start = view.startedAt === undefined ? stop : Math.min(stop, Math.min(cells - 1, Math.round((view.startedAt / span) * cells)));
  for (let c = 0; c < start; c++) out[c] = 'queued';
  const cleaning = ended || view.state === 'running' ? cleanupFrom(view, stoppedAt) : undefined;
  const cleanupCell = cleaning === undefined || (!ended && now < cleaning) ? stop : Math.min(stop, Math.max(start, cellOf(cleaning, span, cells)));
  const open = view.marks?.connecting !== undefined ? (view.marks.open ?? (ended ? view.endedAt! : now)) : undefined;
  const openCell = open === undefined ? start : Math.min(cleanupCell, Math.max(start, cellOf(open, span, cells)));
  const own = view.held ? coverage(view.held, span, cells) : undefined;
  for (let c = start; c < stop; c++) {
    if (c >= cleanupCell) out[c] = 'cleanup';
    else if (c < openCell) out[c] = 'connect';
    else if (own && own[c]! >= 0.5) out[c] = 'held';
    else if (runCover && runCover[c]! - (own?.[c] ?? 0) >= 0.5) out[c] = 'frozen';
    else out[c] = 'run';
  }
  if (ended && stop < cells) out[stop] = 'end';
  return out;
}

/** Tick steps an axis may use: 1, 2, 5 × 10^k ms. */
function niceStep(span: number, maxTicks: number): number {
  for (let magnitude = 1; ; magnitude *= 10) {
    for (const m of [1, 2, 5]) {
      const step = m * magnitude;
      if (span / step <= maxTicks) return step;
    }
  }
}

/** "0", "250ms", "1.5s", "2m": short enough to sit under a tick. */
function tickLabel(ms: number): string {
  if (ms === 0) return '0';
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(2))}s`;
  return `${Number((ms / 60_000).toFixed(1))}m`;
}

/** The axis under the lanes: a rule with a mark at each tick, and the tick labels, `cells` wide. */
export function axis(span: number, cells: number): { rule: string; labels: string } {
  if (cells <= 0) return { rule: '', labels: '' };
  const step = niceStep(span, Math.max(1, Math.floor(cells / 10)));
  const rule = Array.from({ length: cells }, () => '─');
  const labels = Array.from({ length: cells }, () => ' ');
  let free = 0; // the first column the next label may use
  for (let t = 0; t <= span; t += step) {
    const at = cellOf(t, span, cells);
    rule[at] = '┴';
    const label = tickLabel(t);
    // A label starts at its tick; the last one may end at the right edge instead.
    const from = Math.min(at, cells - label.length);
    if (from >= free) {
      for (let i = 0; i < label.length; i++) labels[from + i] = label[i]!;
      free = from + label.length + 1;
    }
  }
  return { rule: rule.join(''), labels: labels.join('') };
}
