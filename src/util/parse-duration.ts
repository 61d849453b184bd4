import ms from 'ms';
import { LIMITS, MAX_DURATION_TEXT } from './limits.js';

export type DurationResult = { ms: number } | { error: string };

/**
 * "250ms", "1.2s", "2m", "1.5h", "2d" -> milliseconds, from 0 up to LIMITS.durationMs; anything
 * else is an error that says why. The one parser for flags, files, environment variables and the
 * offline server's query strings.
 */
export function parseDuration(text: string): DurationResult {
  const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  if (!/^\s*\d+(\.\d+)?\s*(ms|s|m|h|d)\s*$/i.test(text)) return { error: `expected a duration like 500ms, 1.2s, 2m or 1h, got ${shown}` };
  const value = ms(text.replace(/\s+/g, '') as ms.StringValue);
  if (!Number.isFinite(value) || value > LIMITS.durationMs) return { error: `${shown} is longer than the longest duration, ${MAX_DURATION_TEXT}` };
  return { ms: value };
}
