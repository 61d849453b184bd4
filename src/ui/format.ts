import prettyBytes from 'pretty-bytes';
import prettyMs from 'pretty-ms';
import type { SourceState } from '../pipeline/events.js';

export const bytes = (n: number) => prettyBytes(n, { maximumFractionDigits: 1 });
// One formatter for all counts: toLocaleString builds a new one per call, and the dashboard
// formats hundreds of numbers a frame. Made on first use: the first costs ~12 ms and ~7 MiB
// (ICU), which --help and --json runs never need.
let integer: Intl.NumberFormat | undefined;
export const count = (n: number) => (integer ??= new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })).format(Math.round(n));

/** "850ms", "1.02s", "1m 3s": precise where a lecture compares 1.0 s with 2.3 s. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
  return prettyMs(ms, { secondsDecimalDigits: 0 });
}

export function rate(n: number, ms: number): number {
  return ms > 0 ? (n * 1000) / ms : 0;
}

export const stateLabel: Record<SourceState, string> = {
  queued: 'queued',
  running: 'running',
  done: 'done',
  failed: 'failed',
  'timed-out': 'timed out',
  cancelled: 'cancelled',
};

export const stateSymbol: Record<SourceState, string> = {
  queued: '·',
  running: '▶',
  done: '✔',
  failed: '✖',
  'timed-out': '⏱',
  cancelled: '⊘',
};

/** Fit text in a column: cut with an ellipsis, pad to width. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const cut = text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
  return align === 'left' ? cut.padEnd(width) : cut.padStart(width);
}

let compact: Intl.NumberFormat | undefined;
/** A count in at most 7 characters: "99,999", then "123.4K", "12M". */
export const shortCount = (n: number) => (n < 100_000 ? count(n) : (compact ??= new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 })).format(n));
/** Bytes in three significant digits ("88.2 kB", "261 kB"), without a locale lookup: for rows. */
export const shortBytes = (n: number) => prettyBytes(n);
/** Per second, short: "850/s", "12.5K/s". */
export const perSecond = (n: number) => `${n < 10 && n > 0 ? n.toFixed(1) : shortCount(n)}/s`;
