import { IngestError } from '../errors.js';
import type { Database } from '../sinks/postgres/database.js';
import { didYouMean } from '../util/suggest.js';

/** A source is final once no worker will pull it again: anything but queued or running. */
export const OPEN_STATES = ['queued', 'running'] as const;

export interface FleetSourceRow {
  name: string;
  state: string;
  /** The worker holding it now (running), else undefined. */
  owner?: string;
  /** The worker that held it last: who finished it, released it, or holds it. */
  lastOwner?: string;
  nextSeq: number;
  persisted: number;
  deadLettered: number;
  claims: number;
  /** Milliseconds left on its lease (negative: expired, another worker may take it), while held. */
  leaseLeftMs?: number;
  error?: string;
}

export interface FleetWorkerRow {
  worker: string;
  /** Sources it holds now. */
  holding: number;
  /** Sources it took to a final state. */
  finished: number;
  /** Records and dead letters of the sources it holds or held last (a source taken over counts for its last holder). */
  persisted: number;
  deadLettered: number;
}

export interface FleetTotals {
  sources: number;
  states: Record<string, number>;
  persisted: number;
  deadLettered: number;
  /** Every source is final: no worker will pull any more. */
  final: boolean;
}

export interface FleetSnapshot {
  run: string;
  /** The server's clock, when the snapshot was read. */
  at: Date;
  totals: FleetTotals;
  workers: FleetWorkerRow[];
  sources: FleetSourceRow[];
}

interface SourceRecord {
  source: string;
  state: string;
  owner: string | null;
  last_owner: string | null;
  next_seq: number;
  persisted: string;
  dead_lettered: string;
  claims: number;
  lease_left_ms: number | null;
  error: string | null;
  at: Date;
}

/**
 * The run's state as the database has it, in one statement (one snapshot: the totals add up to the
 * rows), without touching anything: the watcher's picture and the fleet's totals in a summary.
 */
export async function readFleet(db: Database, run: string, options: { sources?: boolean } = {}): Promise<FleetSnapshot> {
  if (options.sources === false) return readTotals(db, run);
  const { rows } = await db.pool.query<SourceRecord>(
    `SELECT source, state, owner, last_owner, next_seq, persisted::text, dead_lettered::text, claims, error, now() AS at,
            CASE WHEN owner IS NOT NULL THEN (extract(epoch FROM lease_until - now()) * 1000)::float8 END AS lease_left_ms
       FROM ${db.table('ingest_sources')} WHERE run = $1 ORDER BY source`,
    [run],
  );
  const sources = rows.map(
    (r): FleetSourceRow => ({
      name: r.source,
      state: r.state,
      owner: r.owner ?? undefined,
      lastOwner: r.last_owner ?? undefined,
      nextSeq: r.next_seq,
      persisted: Number(r.persisted),
      deadLettered: Number(r.dead_lettered),
      claims: r.claims,
      leaseLeftMs: r.lease_left_ms === null ? undefined : Math.round(r.lease_left_ms),
      error: r.error ?? undefined,
    }),
  );
  // The open states always, at 0 too: a reader of --json sees "queued":0 rather than guessing from a missing key.
  const totals: FleetTotals = { sources: sources.length, states: { queued: 0, running: 0 }, persisted: 0, deadLettered: 0, final: true };
  const workers = new Map<string, FleetWorkerRow>();
  for (const s of sources) {
    totals.states[s.state] = (totals.states[s.state] ?? 0) + 1;
    totals.persisted += s.persisted;
    totals.deadLettered += s.deadLettered;
    const open = (OPEN_STATES as readonly string[]).includes(s.state);
    if (open) totals.final = false;
    const name = s.owner ?? s.lastOwner;
    if (name === undefined) continue;
    const w = workers.get(name) ?? { worker: name, holding: 0, finished: 0, persisted: 0, deadLettered: 0 };
    workers.set(name, w);
    if (s.owner !== undefined) w.holding++;
    if (!open) w.finished++;
    w.persisted += s.persisted;
    w.deadLettered += s.deadLettered;
  }
  return {
    run,
    at: rows[0]?.at ?? new Date(),
    totals,
    workers: [...workers.values()].sort((a, b) => (a.worker < b.worker ? -1 : 1)),
    sources,
  };
}

/**
 * The totals alone, summed by the server (one statement, one snapshot): a worker reads them every
 * few seconds, and a run of 10,000 sources sent whole took 100 ms a time.
 */
async function readTotals(db: Database, run: string): Promise<FleetSnapshot> {
  const { rows } = await db.pool.query<{
    state: string;
    worker: string | null;
    holding: number;
    n: number;
    persisted: string;
    dead_lettered: string;
    at: Date;
  }>(
    `SELECT state, coalesce(owner, last_owner) AS worker, count(owner)::int AS holding, count(*)::int AS n,
            sum(persisted)::text AS persisted, sum(dead_lettered)::text AS dead_lettered, now() AS at
       FROM ${db.table('ingest_sources')} WHERE run = $1 GROUP BY 1, 2`,
    [run],
  );
  const totals: FleetTotals = { sources: 0, states: { queued: 0, running: 0 }, persisted: 0, deadLettered: 0, final: true };
  const workers = new Map<string, FleetWorkerRow>();
  for (const r of rows) {
    const persisted = Number(r.persisted);
    const deadLettered = Number(r.dead_lettered);
    totals.sources += r.n;
    totals.states[r.state] = (totals.states[r.state] ?? 0) + r.n;
    totals.persisted += persisted;
    totals.deadLettered += deadLettered;
    const open = (OPEN_STATES as readonly string[]).includes(r.state);
    if (open) totals.final = false;
    if (r.worker === null) continue;
    const w = workers.get(r.worker) ?? { worker: r.worker, holding: 0, finished: 0, persisted: 0, deadLettered: 0 };
    workers.set(r.worker, w);
    w.holding += r.holding;
    if (!open) w.finished += r.n;
    w.persisted += persisted;
    w.deadLettered += deadLettered;
  }
  return { run, at: rows[0]?.at ?? new Date(), totals, workers: [...workers.values()].sort((a, b) => (a.worker < b.worker ? -1 : 1)), sources: [] };
}

/** The runs the tables hold, by name; none when there are no tables yet. */
export async function listRuns(db: Database): Promise<string[]> {
  const table = db.table('ingest_sources');
  const { rows: exists } = await db.pool.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [table]);
  if (!exists[0]?.ok) return [];
  const { rows } = await db.pool.query<{ run: string }>(`SELECT DISTINCT run FROM ${table} ORDER BY run`);
  return rows.map((r) => r.run);
}

/** Refuses a run name the tables do not hold, with the nearest one that they do. */
export async function requireRun(db: Database, run: string): Promise<void> {
  const runs = await listRuns(db);
  if (runs.includes(run)) return;
  const where = `${db.where} (schema ${db.schema})`;
  const hint = runs.length === 0 ? ': it holds no runs yet' : didYouMean(run, runs);
  throw new IngestError('E_FLEET', `no fleet run ${JSON.stringify(run)} in ${where}${hint}`);
}
