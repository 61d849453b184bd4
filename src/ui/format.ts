import { createRequire } from 'node:module';
import prettyBytes from 'pretty-bytes';
import prettyMs from 'pretty-ms';
import type { SourceState } from '../pipeline/events.js';

/**
 * Bytes in three significant digits ("88.2 kB", "261 kB", "1.21 GB"). Without fraction options:
 * with them pretty-bytes goes through toLocaleString, and the first use of ICU costs ~15 ms and
 * ~7 MiB, which a headless run of 10,000 sources paid in its peak memory.
 */
export const bytes = (n: number) => prettyBytes(n);

/** "12,345": grouped by hand for the same reason (no ICU); the dashboard formats hundreds a frame. */
export function count(n: number): string {
  const rounded = Math.round(n);
  if (!Number.isFinite(rounded)) return String(rounded);
  const digits = String(Math.abs(rounded));
  let grouped = digits.slice(0, digits.length % 3 || 3);
  for (let i = grouped.length; i < digits.length; i += 3) grouped += `,${digits.slice(i, i + 3)}`;
  return rounded < 0 ? `-${grouped}` : grouped;
}

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

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

let widthOf: ((text: string) => number) | undefined;
/**
 * string-width, loaded the first time text is not printable ASCII: loading it builds an
 * Intl.Segmenter (10-20 ms of ICU), which a headless run with plain names never needs. Bundled,
 * esbuild turns the literal require() into string-width's lazy initialiser (the bundle's banner
 * defines require); from source (tsx, the tests) there is no require, and Node's loads it.
 */
function stringWidth(text: string): number {
  widthOf ??= ((typeof require === 'function' ? require('string-width') : createRequire(import.meta.url)('string-width')) as typeof import('string-width'))
    .default;
  return widthOf(text);
}

/** The cells text takes in a terminal: "日本" takes 4, "👍" 2, "é" (e + U+0301) 1. */
export const displayWidth = (text: string) => (PRINTABLE_ASCII.test(text) ? text.length : stringWidth(text));

let graphemes: Intl.Segmenter | undefined;

/**
 * Fit text in a column of `width` cells: cut with an ellipsis, pad to width. Measured in
 * terminal cells, not UTF-16 units, so a wide or accented name keeps the columns after it in
 * place; cut between graphemes, never inside one. Printable ASCII (most of it) takes the short way.
 */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (PRINTABLE_ASCII.test(text)) {
    const cut = text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
    return align === 'left' ? cut.padEnd(width) : cut.padStart(width);
  }
  let shown = text;
  let cells = stringWidth(text);
  if (cells > width) {
    shown = '';
    cells = 0;
    graphemes ??= new Intl.Segmenter();
    for (const { segment } of graphemes.segment(text)) {
      const w = stringWidth(segment);
      if (cells + w > width - 1) break;
      shown += segment;
      cells += w;
    }
    shown += '…';
    cells += 1;
  }
  const pad = ' '.repeat(Math.max(0, width - cells));
  return align === 'left' ? shown + pad : pad + shown;
}

let compact: Intl.NumberFormat | undefined;
/** A count in at most 7 characters: "99,999", then "123.4K", "12M". */
export function shortCount(n: number): string {
  if (n < 100_000) return count(n);
  compact ??= new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
  return compact.format(n);
}
/** Per second, short: "850/s", "12.5K/s". */
export const perSecond = (n: number) => `${n < 10 && n > 0 ? n.toFixed(1) : shortCount(n)}/s`;

/** The whole run's progress, for headers and progress lines: "42% · ETA 3.1s"; empty when unknown. */
export function progressText(metrics: { progress?: number; etaMs?: number } | undefined): string {
  if (metrics?.progress === undefined) return '';
  const percent = `${Math.floor(metrics.progress * 100)}%`;
  return metrics.etaMs === undefined ? percent : `${percent} · ETA ${duration(metrics.etaMs)}`;
}
