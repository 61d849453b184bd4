import { parseBytes } from '../util/bytes.js';
import { LIMITS } from '../util/limits.js';
import { parseDuration } from '../util/parse-duration.js';

/** A request the server refuses to understand: answered 400 with this message. */
export class BadRequest extends Error {}

/** Faults and pacing any route accepts in its query string (see the `/` help page). */
export interface Faults {
  /** Wait this long before the status line: a slow first byte. */
  delayMs: number;
  /** Bytes per second: the body drips. */
  rate?: number;
  /** Answer this status instead of the body, with Retry-After when `retryAfter` is set. */
  status?: number;
  retryAfter?: number;
  /** Drop the connection after this many records, mid-body. */
  resetAt?: number;
  /** Stop sending after this many records and keep the connection open: the client sees silence. */
  stallAt?: number;
  /** Every k-th record is torn in half. */
  malformed?: number;
}

export function queryInt(query: URLSearchParams, name: string, min = 0, max: number = LIMITS.chunks): number | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  const n = text.trim() === '' ? NaN : Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new BadRequest(`${name}: expected a whole number from ${min} to ${max}, got "${text.slice(0, 40)}"`);
  return n;
}

export function querySize(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  const n = parseBytes(text);
  if (n === undefined || n < 1 || n > 1e12) throw new BadRequest(`${name}: expected a size like 512, 64kb or 10mb, got "${text}"`);
  return n;
}

function queryDuration(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  const parsed = parseDuration(text);
  if ('error' in parsed) throw new BadRequest(`${name}: ${parsed.error}`);
  return parsed.ms;
}

/**
 * The faults for this request. `times=N` makes them apply to the first N requests of the same URL
 * only (503 then OK, a reset that a retry gets past); the count starts over once the URL has been
 * left alone for a few seconds, so the next run sees the same faults.
 */
export function faultsFor(query: URLSearchParams, requestNumber: number): Faults {
  const times = queryInt(query, 'times', 1);
  const clean = times !== undefined && requestNumber > times;
  const status = queryInt(query, 'status', 100);
  if (status !== undefined && status > 599) throw new BadRequest(`status: expected 100-599, got ${status}`);
  const faults: Faults = {
    delayMs: queryDuration(query, 'delay') ?? 0,
    rate: querySize(query, 'rate'),
    status,
    retryAfter: queryInt(query, 'retryAfter'),
    resetAt: queryInt(query, 'resetAt'),
    stallAt: queryInt(query, 'stallAt'),
    malformed: queryInt(query, 'malformed', 1),
  };
  return clean ? { delayMs: 0, rate: faults.rate, malformed: faults.malformed } : faults;
}

const FORGET_AFTER_MS = 5_000;

/** Counts requests per URL (path and query) for `times`. */
export class RequestCounter {
  private seen = new Map<string, { n: number; last: number }>();

  next(key: string): number {
    const now = Date.now();
    const entry = this.seen.get(key);
    const n = entry && now - entry.last < FORGET_AFTER_MS ? entry.n + 1 : 1;
    this.seen.set(key, { n, last: now });
    if (this.seen.size > 10_000) {
      for (const [k, e] of this.seen) if (now - e.last >= FORGET_AFTER_MS) this.seen.delete(k);
    }
    return n;
  }
}
