import type { SourceView } from '../pipeline/store.js';

/**
 * The timeline's geometry as plain data: what each cell of a lane shows and where the axis
 * labels go. Only the lanes on screen are laid out, each in O(cells), so 10,000 sources cost
 * no more than 30.
 */

/**
 * One lane: queued cells (waiting for a slot), running cells, cleanup cells (cancelled, still in
 * its `finally`), then the end marker, then nothing.
 */
export interface Lane {
  queued: number;
  running: number;
  cleanup: number;
  /** The cell of the end marker, counted after the running ones (0 = right after them). */
  ended: boolean;
  blank: number;
}

/** The cell a run time falls in, on an axis of `cells` cells spanning `span` ms. */
export const cellOf = (t: number, span: number, cells: number) => Math.min(cells - 1, Math.max(0, Math.floor((t / span) * cells)));

/**
 * `stoppedAt`: when the whole run was told to stop (deadline, q, Ctrl-C). A source running then
 * and ending cancelled spent the time since in its cleanup.
 */
export function laneOf(view: SourceView, now: number, span: number, cells: number, stoppedAt?: number): Lane {
  if (cells <= 0) return { queued: 0, running: 0, cleanup: 0, ended: false, blank: 0 };
  const ended = view.endedAt !== undefined && view.state !== 'running' && view.state !== 'queued';
  const stop = ended ? cellOf(view.endedAt!, span, cells) : cellOf(now, span, cells) + 1;
  const start = view.startedAt === undefined ? stop : Math.min(stop, cellOf(view.startedAt, span, cells));
  const cleaning = stoppedAt !== undefined && view.startedAt !== undefined && view.startedAt < stoppedAt && (view.state === 'cancelled' || (view.state === 'running' && now > stoppedAt));
  const cleanupFrom = cleaning ? Math.min(stop, Math.max(start, cellOf(stoppedAt, span, cells))) : stop;
  const queued = start;
  const running = cleanupFrom - start;
  const cleanup = stop - cleanupFrom;
  return { queued, running, cleanup, ended, blank: cells - queued - running - cleanup - (ended ? 1 : 0) };
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
export function tickLabel(ms: number): string {
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
