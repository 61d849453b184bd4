import { hostname } from 'node:os';
import type pg from 'pg';
import { describeError, IngestError } from '../errors.js';
import type { FleetInfo, FleetTotals } from '../pipeline/events.js';
import type { CheckpointTarget } from '../pipeline/persistence/checkpoints.js';
import { ownerIsGone } from '../pipeline/persistence/postgres-checkpoints.js';
import type { SourceFeed } from '../pipeline/source-feed.js';
import { type Database, inTransaction } from '../sinks/postgres/database.js';
import { lockInOrder } from '../sinks/postgres/lock-order.js';
import { sourceEnds } from '../sinks/postgres/source-ends.js';
import type { Cursor, Source } from '../sources/source.js';
import { onAbort } from '../util/wait-list.js';
import { leaseMs as checkLease } from './lease.js';
import { type FleetSnapshot, OPEN_STATES, readFleet } from './snapshot.js';

/** The channel every release and finish is announced on (payload: schema and run), so waiting workers claim at once. */
export const FLEET_CHANNEL = 'ingest_tui_fleet';

/**
 * The longest a waiting `next()` sleeps between looks at the table: what it waits for mostly
 * arrives as a notification (a release, a finish), but a lease running out is announced by nobody
 * and a worker of this host that died says nothing either.
 */
export const MAX_POLL_MS = 2000;

/** A source this worker has claimed: where it resumes from, and whom it was taken from. */
export interface Claim {
  name: string;
  kind: string;
  /** The committed cursor (moved with the rows): undefined for a source never persisted. */
  cursor?: Cursor;
  nextSeq: number;
  /** The worker that held it before, when it was taken over (its lease ran out, or its process is gone). */
  takenFrom?: string;
}

export interface FleetOptions {
  db: Database;
  /** --fleet NAME. */
  run: string;
  /** This worker: host:pid:random (workerId in open-persistence.ts). */
  owner: string;
  /** The worker's sources, built from its sources directory and seed. */
  sources: Source[];
  /** Their kinds and fingerprints (configuration and seed), which every worker must share. */
  targets: CheckpointTarget[];
  /** The lease (default 30 s, see lease.ts); renewed every third of it. */
  leaseMs?: number;
}

/** A lane waiting in next(). */
interface Asking {
  resolve(source: Source | undefined): void;
  reject(reason: unknown): void;
  off(): void;
}

/** How long a look at this host's gone workers holds (see goneOwners). */
const GONE_TTL_MS = 1000;

/** How long the claims wait before looking again after the server failed to answer, then give up. */
const CLAIM_RETRIES = [500, 1000, 2000, 4000];

type ClaimRow = { source: string; kind: string; cursor: Cursor | null; next_seq: number; previous: string | null };

/**
 * A fleet run's sources, shared by every worker that joins it. The table is the coordinator:
 * registration, claims (`FOR UPDATE SKIP LOCKED`: two workers never get one source), leases, and
 * the final states. The sink's fence (owner + next_seq, sink.ts) makes a worker that lost a source
 * commit nothing more for it.
 *
 * States: queued (nobody holds it: new, or released), running (owner holds it under lease_until),
 * and the final ones the pipeline ends a source with (done, failed, timed-out, ...).
 */
export class FleetFeed implements SourceFeed {
  readonly run: string;
  readonly owner: string;
  readonly leaseMs: number;
  private readonly db: Database;
  private readonly table: string;
  private readonly byName: Map<string, Source>;
  private readonly claims = new Map<string, Claim>();
  private readonly ends: ReturnType<typeof sourceEnds>;
  private renewTimer: NodeJS.Timeout | undefined;
  private listener: pg.PoolClient | undefined;
  /** Bumped on every notification for this run: a wait that began before it does not sleep. */
  private changes = 0;
  private readonly wakers = new Set<() => void>();
  private closed = false;
  /** The last renewal's failure, if the last one failed (the server away): the pipeline may report it. */
  renewError: unknown;
  /** Told of sources this worker lost (a renewal found another worker holds them): stop reading them. */
  onLost: (names: string[]) => void = () => {};

  private constructor(options: FleetOptions) {
    this.db = options.db;
    this.run = options.run;
    this.owner = options.owner;
    this.leaseMs = checkLease(options.leaseMs);
    this.table = options.db.table('ingest_sources');
    this.byName = new Map(options.sources.map((s) => [s.name, s]));
    this.ends = sourceEnds(options.db, options.run, options.owner, (client) => this.notify(client));
  }

  /**
   * Joins the run: registers its sources if this is the first worker, or checks that they are the
   * run's (refused with E_FLEET, exit 2, naming the first that differs), then listens for releases
   * and starts renewing this worker's leases. The tables must exist (ensureTables).
   */
  static async join(options: FleetOptions): Promise<FleetFeed> {
    const feed = new FleetFeed(options);
    await feed.register(options.targets);
    try {
      await feed.listen();
    } catch (err) {
      await feed.close();
      throw err;
    }
    feed.renewTimer = setInterval(() => {
      feed.renew().catch(() => {}); // renew() remembers the failure; the next one tries again
    }, feed.leaseMs / 3);
    feed.renewTimer.unref();
    return feed;
  }

  private async register(targets: CheckpointTarget[]) {
    const { db, run } = this;
    await inTransaction(db, async (client) => {
      // Workers starting at once: the first registers, the others wait here and then compare.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', ['ingest-tui fleet', `${db.schema}.${run}`]);
      const { rows } = await client.query<{ source: string; kind: string; fingerprint: string }>(
        `SELECT source, kind, fingerprint FROM ${this.table} WHERE run = $1 ORDER BY source`,
        [run],
      );
      if (rows.length === 0) {
        await client.query(
          `INSERT INTO ${this.table} (run, source, kind, fingerprint)
           SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[])`,
          [run, targets.map((t) => t.name), targets.map((t) => t.kind), targets.map((t) => t.fingerprint)],
        );
        return;
      }
      const difference = firstDifference(targets, rows);
      if (difference)
        throw new IngestError(
          'E_FLEET',
          `fleet run ${JSON.stringify(run)} in ${db.where}: ${difference}; every worker must bring the same sources and --seed (or start another run)`,
        );
    });
  }

  /** LISTEN on a connection of its own, held while the feed is open. */
  private async listen() {
    const client = await this.db.pool.connect();
    client.on('error', () => {}); // a server gone away: the polls say so
    const expected = JSON.stringify([this.db.schema, this.run]);
    client.on('notification', (message) => {
      if (message.channel !== FLEET_CHANNEL || message.payload !== expected) return;
      this.changes++;
      this.wake();
    });
    await client.query(`LISTEN ${FLEET_CHANNEL}`);
    this.listener = client;
  }

  private notify(client: Pick<pg.PoolClient, 'query'> = this.db.pool) {
    return client.query('SELECT pg_notify($1, $2)', [FLEET_CHANNEL, JSON.stringify([this.db.schema, this.run])]);
  }

  /**
   * Claims the next source nobody holds: queued (new or released), or running under a lease that
   * has run out, or held by a worker of this host whose process is gone. Undefined when none is free.
   */
  async claim(): Promise<Claim | undefined> {
    return (await this.claimSome(1))[0];
  }

  /**
   * Claims up to `limit` sources in one statement: each row is locked as it is chosen and rows
   * other claims have locked are skipped, so concurrent claims (other workers) never get the same
   * source. In the run's order (by name).
   */
  private async claimSome(limit: number): Promise<Claim[]> {
    const gone = await this.goneOwners();
    const { rows } = await this.db.pool.query<ClaimRow>(
      `WITH next AS (
         SELECT run, source, owner FROM ${this.table}
          WHERE run = $1 AND (state = 'queued' OR (state = 'running' AND (owner IS NULL OR lease_until < now() OR owner = ANY($4::text[]))))
          ORDER BY source
          LIMIT $5
          FOR UPDATE SKIP LOCKED)
       UPDATE ${this.table} AS s
          SET state = 'running', owner = $2, last_owner = $2, lease_until = now() + make_interval(secs => $3),
              claims = s.claims + 1, error = NULL, updated_at = now()
         FROM next
        WHERE s.run = next.run AND s.source = next.source
      RETURNING s.source, s.kind, s.cursor, s.next_seq, next.owner AS previous`,
      [this.run, this.owner, this.leaseMs / 1000, gone, limit],
    );
    const claims = rows
      .map(
        (row): Claim => ({
          name: row.source,
          kind: row.kind,
          cursor: row.cursor ?? undefined,
          nextSeq: row.next_seq,
          takenFrom: row.previous ?? undefined,
        }),
      )
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const claim of claims) this.claims.set(claim.name, claim);
    return claims;
  }

  private gone: { owners: string[]; at: number } | undefined;

  /**
   * Owners of this host holding sources of the run whose process has ended (kill -9): they hold
   * nothing. Looked up at most every GONE_TTL_MS: claims come many times a second.
   */
  private async goneOwners(): Promise<string[]> {
    if (this.gone && performance.now() - this.gone.at < GONE_TTL_MS) return this.gone.owners;
    const owners = await this.lookUpGoneOwners();
    this.gone = { owners, at: performance.now() };
    return owners;
  }

  private async lookUpGoneOwners(): Promise<string[]> {
    const { rows } = await this.db.pool.query<{ owner: string }>(
      `SELECT DISTINCT owner FROM ${this.table} WHERE run = $1 AND state = 'running' AND owner LIKE $2 AND lease_until >= now()`,
      [this.run, `${hostname().replace(/[\\%_]/g, '\\$&')}:%`],
    );
    return rows.map((r) => r.owner).filter((owner) => owner !== this.owner && ownerIsGone(owner));
  }

  /**
   * The scheduler's next source: a claim, else (every open source held by other workers) a wait
   * until one is released, finished or its lease runs out, else undefined once every source is
   * final. Rejects with the signal's reason when it aborts, whatever it is waiting on.
   *
   * Lanes asking at once share one claim (`LIMIT` as many as ask) and one wait: 100 lanes starting
   * together, or woken together by a finish, cost one statement, not 100.
   */
  next(signal: AbortSignal): Promise<Source | undefined> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.exhausted) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const asking: Asking = { resolve, reject, off: () => {} };
      asking.off = onAbort(signal, () => {
        this.asking.delete(asking);
        reject(signal.reason);
        if (this.asking.size === 0) this.wake(); // nobody left to wait for
      });
      this.asking.add(asking);
      void this.pump();
    });
  }

  private readonly asking = new Set<Asking>();
  private pumping = false;
  /** Every source of the run was final when it last looked: no more to hand out. */
  private exhausted = false;

  /** Claims for whoever is asking, until nobody is; waits for a change while nothing is free. */
  private async pump() {
    if (this.pumping) return;
    this.pumping = true;
    let failures = 0;
    try {
      while (this.asking.size > 0 && !this.closed) {
        const seen = this.changes;
        try {
          if (await this.handOut()) continue; // more may be free
          const { open, soonestMs } = await this.openSources();
          if (open === 0) {
            this.exhausted = true;
            for (const asking of this.take()) asking.resolve(undefined);
            break;
          }
          failures = 0;
          await this.waitForChange(seen, Math.max(0, Math.min(MAX_POLL_MS, soonestMs ?? MAX_POLL_MS)));
        } catch (err) {
          // The server away for a moment (a restart, a failover): look again after a while, then give up.
          if (err instanceof IngestError || ++failures > CLAIM_RETRIES.length) throw err;
          await this.waitForChange(seen, CLAIM_RETRIES[failures - 1]!);
        }
      }
    } catch (cause) {
      const error =
        cause instanceof IngestError
          ? cause
          : new IngestError('E_DATABASE', `fleet run ${JSON.stringify(this.run)} in ${this.db.where}: cannot claim sources: ${describeError(cause)}`, {
              cause,
            });
      for (const asking of this.take()) asking.reject(error);
    } finally {
      this.pumping = false;
    }
  }

  /** One claim for everyone asking; true when it got any. Claims nobody is left to take go back. */
  private async handOut(): Promise<boolean> {
    const claims = await this.claimSome(this.asking.size);
    const spare: string[] = [];
    for (const claim of claims) {
      const source = this.byName.get(claim.name);
      if (!source) throw new IngestError('E_FLEET', `fleet run ${JSON.stringify(this.run)}: source ${JSON.stringify(claim.name)} is not one of this worker's`);
      const [asking] = this.take(1);
      if (asking) asking.resolve(source);
      else spare.push(claim.name); // its lane stopped while the claim was on its way: another worker takes it
    }
    if (spare.length > 0) await this.release(spare);
    return claims.length > 0;
  }

  /** Up to `n` of those asking (all by default), no longer listening for their aborts. */
  private take(n = Number.POSITIVE_INFINITY): Asking[] {
    const taken: Asking[] = [];
    for (const asking of this.asking) {
      if (taken.length >= n) break;
      this.asking.delete(asking);
      asking.off();
      taken.push(asking);
    }
    return taken;
  }

  /** Where a claimed source resumes: its committed cursor (what `Source.read`'s `resumeFrom` takes). */
  resumeFrom(name: string): Cursor | undefined {
    return this.claims.get(name)?.cursor;
  }

  /** For run-start: the run and this worker. */
  get fleet(): FleetInfo {
    return { run: this.run, worker: this.owner };
  }

  /** The worker a held source was taken from, if it was taken over (its lease ran out, its process is gone). */
  takenFrom(name: string): string | undefined {
    return this.claims.get(name)?.takenFrom;
  }

  /** The whole run's totals, in the pipeline's words (its `fleet` events and summary). */
  async runTotals(): Promise<FleetTotals> {
    const { totals, workers } = await this.totals();
    return {
      sources: totals.sources,
      states: totals.states,
      persisted: totals.persisted,
      deadLettered: totals.deadLettered,
      workers: workers.map(({ worker, holding, finished, persisted }) => ({ worker, holding, finished, persisted })),
    };
  }

  /** The sources this worker holds, as it knows them (a renewal tells it which it lost). */
  held(): string[] {
    return [...this.claims.keys()];
  }

  /** How many sources are still open, and when the soonest lease runs out (ms from now). */
  private async openSources(): Promise<{ open: number; soonestMs?: number }> {
    const { rows } = await this.db.pool.query<{ open: number; soonest_ms: number | null }>(
      `SELECT count(*)::int AS open,
              (extract(epoch FROM min(lease_until) FILTER (WHERE state = 'running') - now()) * 1000)::float8 AS soonest_ms
         FROM ${this.table} WHERE run = $1 AND state = ANY($2::text[])`,
      [this.run, OPEN_STATES],
    );
    const row = rows[0]!;
    // A few ms past the expiry: the server's now() must have passed it when the claim looks.
    return { open: row.open, soonestMs: row.soonest_ms === null ? undefined : row.soonest_ms + 20 };
  }

  /** Until a notification for this run, `ms`, or nobody asking any more (their lanes stopped). */
  private waitForChange(seen: number, ms: number): Promise<void> {
    if (this.changes !== seen || this.closed) return Promise.resolve(); // announced while it was looking
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  private wake() {
    for (const wake of [...this.wakers]) wake();
  }

  /**
   * Moves the lease of everything this worker holds on by a whole lease. Returns the sources it
   * still holds; those it has lost (its lease ran out and another worker took them) it forgets:
   * the sink's fence already refuses their chunks.
   */
  async renew(): Promise<{ held: string[]; lost: string[] }> {
    try {
      const { rows } = await this.db.pool.query<{ source: string }>(
        `WITH ${lockInOrder(this.table, "run = $1 AND owner = $2 AND state = 'running'")}
         UPDATE ${this.table} AS s SET lease_until = now() + make_interval(secs => $3)
           FROM locked WHERE s.run = locked.run AND s.source = locked.source RETURNING s.source`,
        [this.run, this.owner, this.leaseMs / 1000],
      );
      this.renewError = undefined;
      const held = new Set(rows.map((r) => r.source));
      const lost = [...this.claims.keys()].filter((name) => !held.has(name));
      for (const name of lost) this.claims.delete(name);
      if (lost.length > 0) this.onLost(lost);
      return { held: [...held], lost };
    } catch (err) {
      this.renewError = err;
      throw err;
    }
  }

  /**
   * Lets go of sources (all this worker holds by default) without finishing them: back to queued,
   * owner cleared, announced, so a waiting worker claims them at once and resumes each from its
   * committed cursor. Ctrl-C, after draining. Returns the sources released.
   */
  async release(names: string[] = this.held()): Promise<string[]> {
    if (names.length === 0) return [];
    const released = await inTransaction(this.db, async (client) => {
      const { rows } = await client.query<{ source: string }>(
        `WITH ${lockInOrder(this.table, "run = $1 AND owner = $2 AND state = 'running' AND source = ANY($3::text[])")}
         UPDATE ${this.table} AS s SET state = 'queued', owner = NULL, lease_until = NULL, updated_at = now()
           FROM locked WHERE s.run = locked.run AND s.source = locked.source RETURNING s.source`,
        [this.run, this.owner, names],
      );
      if (rows.length > 0) await this.notify(client); // delivered at commit, not before
      return rows.map((r) => r.source);
    });
    for (const name of names) this.claims.delete(name);
    return released;
  }

  /**
   * A source's final state (done, failed, timed-out, ...), written only if this worker still holds
   * it; false when it had lost it. Announced: the last one wakes every waiting worker to leave.
   * Sources ending together share one transaction (one commit, one notification): a fleet of
   * short sources would otherwise spend a commit's flush on each.
   */
  finish(name: string, state: string, error?: string): Promise<boolean> {
    if ((OPEN_STATES as readonly string[]).includes(state)) return Promise.reject(new TypeError(`finish() takes a final state, got ${state}`));
    this.claims.delete(name);
    return this.ends.end(name, state, error);
  }

  /** Whether every source of the run is in a final state. */
  async allFinal(): Promise<boolean> {
    return (await this.openSources()).open === 0;
  }

  /** The fleet's totals (per state, persisted, dead-lettered, per worker) for a summary beside this worker's own. */
  async totals(): Promise<Omit<FleetSnapshot, 'sources'>> {
    const { sources: _sources, ...rest } = await readFleet(this.db, this.run, { sources: false });
    return rest;
  }

  /** Stops renewing and listening. Held sources stay held until their lease ends: release() first to hand them on. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.renewTimer);
    this.wake();
    const listener = this.listener;
    this.listener = undefined;
    if (listener) {
      await listener.query(`UNLISTEN ${FLEET_CHANNEL}`).catch(() => {});
      listener.release();
    }
  }
}

/**
 * The first way this worker's sources differ from the run's, in words naming the source: by name
 * in the worker's order, then the run's sources this worker lacks. A different --seed changes
 * every fingerprint, so it shows on the first source.
 */
function firstDifference(mine: CheckpointTarget[], theirs: Array<{ source: string; kind: string; fingerprint: string }>): string | undefined {
  const run = new Map(theirs.map((r) => [r.source, r]));
  for (const target of mine) {
    const row = run.get(target.name);
    if (!row) return `this worker's source ${JSON.stringify(target.name)} is not one of the run's ${theirs.length}`;
    if (row.kind !== target.kind) return `source ${JSON.stringify(target.name)} is a ${row.kind} source in the run and a ${target.kind} source here`;
    if (row.fingerprint !== target.fingerprint) return `source ${JSON.stringify(target.name)} has another configuration or --seed than the run's`;
  }
  const names = new Set(mine.map((t) => t.name));
  const missing = theirs.find((r) => !names.has(r.source));
  return missing ? `the run's source ${JSON.stringify(missing.source)} is not among this worker's` : undefined;
}
