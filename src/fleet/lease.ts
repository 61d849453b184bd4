import { UsageError } from '../errors.js';
import { LEASE_SECONDS } from '../pipeline/persistence/postgres-checkpoints.js';
import { parseDuration } from '../util/parse-duration.js';

/**
 * How long a fleet worker's hold on a source lasts without renewal: 30 s (LEASE_SECONDS), renewed
 * every third of it (10 s), so two renewals may fail (a slow server, a long GC) before another
 * worker may take the source over. A worker killed with SIGKILL loses its sources after at most
 * that long; one on the same host whose process is gone loses them at once (ownerIsGone).
 */
export const DEFAULT_LEASE_MS = LEASE_SECONDS * 1000;

/**
 * The bounds a lease may be set within (tests, the kill loop: INGEST_TUI_LEASE). Below 300 ms a
 * renewal every 100 ms races the server's own latency under load; above 10 min a dead worker's
 * sources would wait too long.
 */
export const LEASE_BOUNDS = { minMs: 300, maxMs: 600_000 } as const;

/** A lease time checked against LEASE_BOUNDS, or the default. */
export function leaseMs(value: number | undefined, what = 'the lease'): number {
  if (value === undefined) return DEFAULT_LEASE_MS;
  if (!Number.isFinite(value) || value < LEASE_BOUNDS.minMs || value > LEASE_BOUNDS.maxMs)
    throw new UsageError(`${what} must be from ${LEASE_BOUNDS.minMs} ms to ${LEASE_BOUNDS.maxMs / 60_000} min, got ${value} ms`);
  return value;
}

/** INGEST_TUI_LEASE=2s: the lease for this process's fleet workers (the kill loop shortens it). */
export function leaseMsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.INGEST_TUI_LEASE;
  if (text === undefined || text === '') return DEFAULT_LEASE_MS;
  const parsed = parseDuration(text);
  if ('error' in parsed) throw new UsageError(`INGEST_TUI_LEASE: ${parsed.error}`);
  return leaseMs(parsed.ms, 'INGEST_TUI_LEASE');
}
