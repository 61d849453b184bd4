import { setTimeout as delay } from 'node:timers/promises'; // wall time; the run's clock has sleep()
import { HTTPError, TimeoutError } from 'got';
import { IngestError } from '../../errors.js';
import type { SourceContext } from '../source.js';
import { describeHttpError, isTransient } from './client.js';

export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  /** The first backoff; each next one doubles, with jitter. */
  retryDelay: number;
  /** No wait is longer than this, Retry-After included. */
  maxRetryDelay: number;
}

/**
 * Called after attempt number `attempt` failed. Either waits before the next attempt (reported
 * through ctx.retry) and returns, or throws the failure as a short IngestError. A cancelled or
 * timed-out source is never retried, and no wait runs past the source's timeout.
 */
export async function retryOrThrow(err: unknown, attempt: number, policy: RetryPolicy, ctx: SourceContext): Promise<void> {
  if (ctx.signal.aborted || err instanceof IngestError) throw err;
  const reason = describeHttpError(err);
  const tries = attempt > 1 ? ` after ${attempt} attempts` : '';
  if (!isTransient(err) || attempt > policy.retries) {
    // A phase timeout (no answer, silence) that retries did not cure ends the source as timed out.
    throw new IngestError(err instanceof TimeoutError ? 'E_TIMEOUT' : 'E_SOURCE', reason + tries, { cause: err });
  }
  const asked = retryAfterMs(err);
  const delayMs = Math.round(Math.min(asked ?? backoff(attempt, policy.retryDelay), policy.maxRetryDelay));
  if (ctx.timeoutAt !== undefined && performance.now() + delayMs >= ctx.timeoutAt) {
    const why = asked === undefined ? '' : `, Retry-After ${Math.round(asked / 1000)}s`;
    throw new IngestError('E_SOURCE', `${reason}${tries}; the next try (in ${delayMs}ms${why}) would be past the source's timeout`, { cause: err });
  }
  ctx.retry?.(attempt, delayMs, reason);
  await delay(delayMs, undefined, { signal: ctx.signal });
}

/** Exponential backoff with "equal jitter": between half and all of base·2^(attempt-1). */
function backoff(attempt: number, base: number): number {
  const ceiling = base * 2 ** (attempt - 1);
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

/** Retry-After in seconds or as an HTTP date, in ms; undefined when absent or unreadable. */
function retryAfterMs(err: unknown): number | undefined {
  const header = err instanceof HTTPError ? err.response.headers['retry-after'] : undefined;
  if (header === undefined) return undefined;
  const ms = /^\d+$/.test(header.trim()) ? Number(header) * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}
