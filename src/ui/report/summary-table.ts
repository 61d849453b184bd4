import type { SourceResult, Summary } from '../../pipeline/events.js';
import { safeText } from '../../util/sanitize.js';
import { bytes, count, displayWidth, duration, fit, stateLabel } from '../format.js';

const MAX_ROWS = 40;

/** The end-of-run table on stdout: one row per source (the interesting ones first), then totals. */
export function formatSummary(summary: Summary): string {
  const rank = (r: SourceResult) => (r.state === 'failed' || r.state === 'timed-out' ? 0 : r.state === 'cancelled' ? 1 : 2);
  const rows = summary.sources.length > MAX_ROWS ? [...summary.sources].sort((a, b) => rank(a) - rank(b)).slice(0, MAX_ROWS) : summary.sources;
  const nameWidth = Math.min(32, Math.max(6, ...rows.map((r) => displayWidth(safeText(r.name)))));
  const header = `${fit('source', nameWidth)}  ${fit('state', 9)}  ${fit('chunks', 7, 'right')}  ${fit('records', 10, 'right')}  ${fit('bytes', 9, 'right')}  ${fit('time', 7, 'right')}  error`;
  const lines = [header];
  for (const r of rows) {
    lines.push(
      `${fit(safeText(r.name), nameWidth)}  ${fit(stateLabel[r.state], 9)}  ${fit(count(r.chunks), 7, 'right')}  ${fit(count(r.records), 10, 'right')}  ${fit(bytes(r.bytes), 9, 'right')}  ${fit(duration(r.ms), 7, 'right')}  ${r.error ? safeText(r.error, 80) : ''}`.trimEnd(),
    );
  }
  const more = summary.sources.length - rows.length + (summary.sourcesOmitted ?? 0); // past 10,000 the done ones are not listed
  if (more > 0) lines.push(`… and ${count(more)} more sources`);
  lines.push('', ...totalLines(summary));
  return `${lines.join('\n')}\n`;
}

/** The totals under the table, each a label and its parts. */
function totals(summary: Summary, busy = true): [string, string[]][] {
  const s = summary.states;
  return [
    [
      'states',
      [
        `${count(s.done)} done`,
        `${count(s.failed)} failed`,
        `${count(s['timed-out'])} timed out`,
        `${count(s.cancelled)} cancelled`,
        ...(s.queued + s.running > 0 ? [`${count(s.queued + s.running)} unfinished`] : []),
      ],
    ],
    [
      'time',
      [
        `wall ${duration(summary.wallMs)}`,
        ...(busy ? [`busy ${duration(summary.busyMs)}`, `speedup ${summary.speedup.toFixed(2)}×`] : []),
        `concurrency ${summary.concurrency}`,
        ...(summary.stoppedBy ? [`stopped by ${summary.stoppedBy}`] : []),
      ],
    ],
    [
      'records',
      [
        `${count(summary.records)} read = ${count(summary.persisted)} persisted + ${count(summary.deadLettered)} dead-lettered + ${count(summary.dropped)} dropped`,
        `${bytes(summary.bytes)}${summary.retries ? ` · ${count(summary.retries)} retries` : ''}`,
      ],
    ],
    ['memory', [`peak RSS ${bytes(summary.peakRssBytes)}${perSource(summary)}`, `max event-loop lag ${duration(summary.maxLoopLagMs)}`]],
    ...(summary.fleet ? fleetTotals(summary.fleet, summary.persisted) : []),
  ];
}

/** MAX_WORKERS at most are named one by one under the fleet's totals. */
const MAX_WORKERS = 8;

/** --fleet: the whole run beside this worker's own numbers above. */
function fleetTotals(fleet: NonNullable<Summary['fleet']>, mine: number): [string, string[]][] {
  const t = fleet.totals;
  const states = Object.entries(t.states)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${count(n)} ${stateLabel[state as keyof typeof stateLabel] ?? safeText(state, 20)}`);
  const workers = [...t.workers].sort((a, b) => b.finished - a.finished);
  const named = workers
    .slice(0, MAX_WORKERS)
    .map((w) => `${safeText(w.worker, 80)}${w.worker === fleet.worker ? ' (this one)' : ''} ${count(w.finished)} finished`);
  return [
    [
      'fleet',
      [
        `run ${safeText(fleet.run, 64)}: ${count(t.sources)} sources`,
        ...states,
        `${count(t.persisted)} persisted (this worker ${count(mine)})`,
        `${count(t.deadLettered)} dead-lettered`,
      ],
    ],
    ['workers', [...named, ...(workers.length > MAX_WORKERS ? [`and ${count(workers.length - MAX_WORKERS)} more`] : [])]],
  ];
}

const LABEL_WIDTH = 9;

/**
 * The totals lines. With a `width`, a line that would not fit goes on under its label, at a
 * ' · ' between its parts: a terminal that wraps it mid-word breaks the picture above it.
 * `busy: false` leaves out busy time and speedup, for a scene where they mislead (10,000
 * sleeping connections are "busy" for hours; CPU-bound streaming has a "speedup" of 2×).
 */
export function totalLines(summary: Summary, width?: number, { busy = true }: { busy?: boolean } = {}): string[] {
  const out: string[] = [];
  for (const [label, parts] of totals(summary, busy)) {
    let line = label.padEnd(LABEL_WIDTH);
    let empty = true;
    for (const part of parts) {
      if (width !== undefined && !empty && displayWidth(line) + 3 + displayWidth(part) > width) {
        out.push(line);
        line = ' '.repeat(LABEL_WIDTH);
        empty = true;
      }
      line += empty ? part : ` · ${part}`;
      empty = false;
    }
    out.push(line);
  }
  return out;
}

/** With many sources, what one costs: the lecture's "ten thousand connections, cheap in memory". */
function perSource(summary: Summary): string {
  const grown = summary.peakRssBytes - summary.baselineRssBytes;
  const sources = summary.sources.length + (summary.sourcesOmitted ?? 0);
  if (sources < 100 || grown <= 0) return '';
  return ` (+${bytes(grown)} for ${count(sources)} sources ≈ ${bytes(grown / sources)} each)`;
}
