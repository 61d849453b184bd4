/** Text graphics for the dashboard: plain strings, so a frame is easy to test and to read. */

const BLOCKS = '▁▂▃▄▅▆▇█';

/** The last `width` values as a sparkline scaled between their min and max. */
export function sparkline(values: readonly number[], width: number): string {
  const shown = values.slice(-Math.max(0, width));
  if (shown.length === 0) return '';
  const min = Math.min(...shown);
  const span = Math.max(...shown) - min;
  return shown.map((v) => BLOCKS[span > 0 ? Math.round(((v - min) / span) * (BLOCKS.length - 1)) : 0]).join('');
}

/** A bar `width` cells wide filled to `fraction` (0..1), with eighth-cell resolution. */
export function progressBar(fraction: number, width: number): string {
  if (width <= 0) return '';
  const eighths = Math.round(Math.min(1, Math.max(0, fraction)) * width * 8);
  const full = Math.floor(eighths / 8);
  const partial = eighths % 8;
  const head = partial > 0 ? '▏▎▍▌▋▊▉'[partial - 1]! : '';
  return ('█'.repeat(full) + head).padEnd(width, '░');
}

/** For a source that does not say how much is coming: a block sliding back and forth. */
export function indeterminateBar(width: number, nowMs: number): string {
  if (width <= 0) return '';
  const block = Math.min(3, width);
  const travel = width - block;
  if (travel === 0) return '█'.repeat(width);
  const step = Math.floor(nowMs / 100) % (travel * 2);
  const at = step <= travel ? step : travel * 2 - step;
  return '░'.repeat(at) + '█'.repeat(block) + '░'.repeat(travel - at);
}
