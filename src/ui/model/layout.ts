import { isFinished } from '../../pipeline/events.js';
import type { SourceView } from './store.js';

/**
 * How the dashboard spends the terminal's rows. Ink redraws a frame by moving the cursor up over
 * the previous one; a frame as tall as the terminal scrolls it, and Ink falls back to clearing
 * the whole screen on every frame: flicker and lost scrollback (ink#359, ink#450). So a frame is
 * always at least one row shorter than the terminal, whatever its size.
 */
export interface HeightPlan {
  /** Header lines, most important first: 0, 1, 2 or 4. */
  headerLines: number;
  columnHeader: boolean;
  /** Source rows (or help lines) that fit. */
  listRows: number;
  aggregate: boolean;
  footer: boolean;
}

export function planHeight(terminalRows: number): HeightPlan {
  let left = Math.max(0, terminalRows - 1);
  const take = (want: boolean, n = 1) => {
    if (!want || left < n) return false;
    left -= n;
    return true;
  };
  const aggregate = take(true);
  const footer = take(true);
  const headerLines = left >= 11 ? 4 : left >= 5 ? 2 : left >= 2 ? 1 : 0;
  left -= headerLines;
  const columnHeader = take(left >= 6);
  return { headerLines, columnHeader, listRows: left, aggregate, footer };
}

/**
 * Which sources get a row. When all fit, the configured order (calm: rows do not move). When
 * not: the running ones, then the latest finished, then the next queued, so the screen shows
 * where things happen. The selected source keeps its row so `c` hits what the user chose.
 */
export function pickVisible(sources: readonly SourceView[], capacity: number, selected?: string): SourceView[] {
  if (capacity <= 0) return [];
  if (sources.length <= capacity) return [...sources];
  const running: SourceView[] = [];
  const latest: SourceView[] = []; // finished, newest first, at most `capacity`
  const queued: SourceView[] = [];
  for (const view of sources) {
    if (view.state === 'running') {
      if (running.length < capacity) running.push(view);
    } else if (view.state === 'queued') {
      if (queued.length < capacity) queued.push(view);
    } else if (isFinished(view.state)) {
      insertNewest(latest, view, capacity);
    }
  }
  const shown = [...running, ...latest, ...queued].slice(0, capacity);
  const pinned = selected === undefined || shown.some((v) => v.name === selected) ? undefined : sources.find((v) => v.name === selected);
  if (pinned) shown[shown.length - 1] = pinned;
  return shown;
}

/** Keep `list` sorted by end time, newest first, no longer than `max`: a top-k without sorting 10,000 rows. */
function insertNewest(list: SourceView[], view: SourceView, max: number) {
  const ended = view.endedAt ?? 0;
  if (list.length === max && ended <= (list[max - 1]!.endedAt ?? 0)) return;
  let i = list.length;
  while (i > 0 && (list[i - 1]!.endedAt ?? 0) < ended) i -= 1;
  list.splice(i, 0, view);
  if (list.length > max) list.pop();
}

/** Column widths of a source row (0 = not shown). Every row starts with a marker, the state symbol and a space. */
export interface RowColumns {
  name: number;
  bar: number;
  records: number;
  bytes: number;
  rate: number;
  time: number;
  detail: number;
}

export const ROW_PREFIX = 3;

export function rowColumns(width: number, longestName: number): RowColumns {
  const tier =
    width >= 100
      ? { name: 20, bar: 20, records: 7, bytes: 8, rate: 8, time: 7 }
      : width >= 72
        ? { name: 18, bar: 14, records: 7, bytes: 8, rate: 0, time: 7 }
        : width >= 48
          ? { name: 16, bar: 10, records: 7, bytes: 0, rate: 0, time: 7 }
          : { name: Math.max(4, width - ROW_PREFIX - 8 - 8 - 1), bar: 6, records: 7, bytes: 0, rate: 0, time: 0 };
  const name = Math.max(4, Math.min(tier.name, longestName));
  const used = ROW_PREFIX + [name, tier.bar, tier.records, tier.bytes, tier.rate, tier.time].reduce((sum, w) => sum + (w > 0 ? w + 1 : 0), 0);
  const detail = width - used;
  return { ...tier, name, detail: detail >= 8 ? detail : 0 };
}
