/** Text graphics for the dashboard: plain strings, so a frame is easy to test and to read. */

const BLOCKS = '▁▂▃▄▅▆▇█';

/**
 * The last `width` values as a sparkline: scaled between their own min and max, or on a fixed
 * `scale` (from 0 to `max`): the one that teaches, where a 5% drift stays flat and a climb to
 * 1.3 GB climbs. Values above the scale's max draw full.
 */
export function sparkline(values: readonly number[], width: number, scale?: { max: number }): string {
  const shown = values.slice(-Math.max(0, width));
  if (shown.length === 0) return '';
  const min = scale ? 0 : Math.min(...shown);
  const span = scale ? scale.max : Math.max(...shown) - min;
  const level = (v: number) => Math.min(BLOCKS.length - 1, Math.max(0, Math.round(((v - min) / span) * (BLOCKS.length - 1))));
  return shown.map((v) => BLOCKS[span > 0 ? level(v) : 0]).join('');
}

/** At most `width` values: consecutive ones folded together (their highest), so the whole run fits. */
export function foldTo(values: readonly number[], width: number): number[] {
  if (values.length <= width || width <= 0) return [...values];
  return Array.from({ length: width }, (_, i) => {
    const from = Math.floor((i * values.length) / width);
    const to = Math.max(from + 1, Math.floor(((i + 1) * values.length) / width));
    return Math.max(...values.slice(from, to));
  });
}

/**
 * A fixed scale for a sparkline: the first of `steps` that holds `peak`, else the peak itself.
 * It only moves when a value would not fit, and then in a step a lecturer can read off ("0–2 GB").
 */
export function fixedScale(peak: number, steps: readonly number[]): number {
  return steps.find((s) => peak <= s) ?? peak;
}

/** Memory scales: 512 MB holds a streaming run; --buffer-all's 1.3 GB climb goes on to 2 GB. */
export const MEMORY_STEPS = [512e6, 1e9, 2e9, 4e9, 8e9, 16e9, 32e9];
/** Event-loop lag scales: 300 ms holds the lecture's 250 ms blocking call. */
export const LAG_STEPS = [300, 1000, 3000, 10_000, 30_000];

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
