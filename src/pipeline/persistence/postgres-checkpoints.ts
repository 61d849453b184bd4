import { hostname } from 'node:os';
import { IngestError } from '../../errors.js';
import { type Database, inTransaction } from '../../sinks/postgres/database.js';
import { sourceEnds } from '../../sinks/postgres/source-ends.js';
import type { Cursor } from '../../sources/source.js';
import { CHECKPOINT_FORMAT, type Checkpoint, type CheckpointStore, type CheckpointTarget, skipped } from './checkpoints.js';

interface Row {
  source: string;
  kind: string;
  fingerprint: string;
  state: string;
  cursor: Cursor | null;
  owner: string | null;
  live_lease: boolean;
  lease_until: Date;
}

/** How long a worker's hold on its sources lasts without being renewed. */
export const LEASE_SECONDS = 30;

/**
 * Checkpoints in ingest_sources, beside the rows they describe. The sink moves a source's cursor
 * in the same transaction as its rows, so `persisted` only remembers it here; `finished` writes
 * the source's final state and lets go of it. Opening takes every source of the run for this
 * worker (`owner`): a fresh run first removes what the sources wrote before (the run's own rows in
 * our own tables), a resumed one checks that each source is still the same (kind, fingerprint).
 * A source another worker holds under a live lease is refused, not taken.
 */
export async function openPostgresCheckpoints(options: {
  db: Database;
  owner: string;
  run: string;
  targets: CheckpointTarget[];
  resume: boolean;
}): Promise<CheckpointStore> {
  const { db, owner, run, targets, resume } = options;
  const names = targets.map((t) => t.name);
  const known = new Map<string, Checkpoint>();
  const sources = db.table('ingest_sources');
  await inTransaction(db, async (client) => {
    const { rows } = await client.query<Row>(
      `SELECT source, kind, fingerprint, state, cursor, owner, lease_until, (owner IS NOT NULL AND lease_until > now()) AS live_lease
         FROM ${sources} WHERE run = $1 AND source = ANY($2::text[]) ORDER BY source FOR UPDATE`,
      [run, names],
    );
    const byName = new Map(rows.map((r) => [r.source, r]));
    for (const target of targets) {
      const row = byName.get(target.name);
      if (!row) continue;
      if (row.live_lease && row.owner !== owner && !ownerIsGone(row.owner!)) {
        throw new IngestError(
          'E_CHECKPOINT',
          `${db.where}: source ${JSON.stringify(target.name)} is being ingested by ${row.owner} right now (its hold lasts until ${row.lease_until.toISOString()}, ${LEASE_SECONDS} s after its last renewal)`,
        );
      }
      if (!resume) continue;
      const refuse = (why: string): never => {
        throw new IngestError('E_CHECKPOINT', `${db.where}: source ${JSON.stringify(target.name)}: ${why}; run without --resume to start over`);
      };
      if (row.kind !== target.kind) refuse(`its checkpoint is for a ${row.kind} source, this one is ${target.kind}`);
      if (row.fingerprint !== target.fingerprint) refuse("the source's configuration or --seed changed since its checkpoint");
      known.set(target.name, checkpointOf(target, row.cursor ?? undefined, row.state === 'done'));
    }
    // A fresh start forgets what these sources wrote; resumed ones keep it and go on from their cursor.
    const fresh = targets.filter((t) => !known.has(t.name));
    if (fresh.length > 0) {
      const freshNames = fresh.map((t) => t.name);
      await client.query(`DELETE FROM ${db.table('ingest_records')} WHERE run = $1 AND source = ANY($2::text[])`, [run, freshNames]);
      await client.query(`DELETE FROM ${db.table('ingest_dead_letters')} WHERE run = $1 AND source = ANY($2::text[])`, [run, freshNames]);
      await client.query(
        `INSERT INTO ${sources} (source, run, kind, fingerprint, owner, last_owner, lease_until, claims)
         SELECT c.source, $1, c.kind, c.fingerprint, $2, $2, now() + make_interval(secs => $3), 1
           FROM unnest($4::text[], $5::text[], $6::text[]) AS c(source, kind, fingerprint)
         ON CONFLICT (run, source) DO UPDATE SET
           kind = excluded.kind, fingerprint = excluded.fingerprint, owner = excluded.owner, last_owner = excluded.owner,
           lease_until = excluded.lease_until, state = 'queued', next_seq = 0, cursor = NULL, persisted = 0,
           dead_lettered = 0, error = NULL, claims = 1, updated_at = now()`,
        [run, owner, LEASE_SECONDS, freshNames, fresh.map((t) => t.kind), fresh.map((t) => t.fingerprint)],
      );
    }
    if (known.size > 0) {
      await client.query(
        `UPDATE ${sources} SET owner = $2, last_owner = $2, lease_until = now() + make_interval(secs => $3), claims = claims + 1, updated_at = now()
          WHERE run = $1 AND source = ANY($4::text[])`,
        [run, owner, LEASE_SECONDS, [...known.keys()]],
      );
    }
  });

  const byName = new Map(targets.map((t) => [t.name, t]));
  const ends = sourceEnds(db, run, owner);
  return {
    dir: `${db.where}, table ${sources}`,
    resumeFrom: (name) => (known.get(name)?.done ? undefined : (known.get(name)?.cursor as Cursor | undefined)),
    async persisted(name, cursor) {
      // Already committed, with the rows: here it is only remembered for the drain receipt.
      const target = byName.get(name);
      if (target) known.set(name, checkpointOf(target, cursor, false));
    },
    async finished(name, state) {
      await ends.end(name, state);
      const target = byName.get(name);
      if (target && state === 'done') known.set(name, checkpointOf(target, known.get(name)?.cursor as Cursor | undefined, true));
    },
    current: (name) => known.get(name),
    skipDone: (list) => list.map((source) => (known.get(source.name)?.done ? skipped(source) : source)),
    sealOutputs: async () => {},
  };
}

/**
 * A worker of this machine whose process has ended (a kill -9, a crash) holds nothing, whatever its
 * lease says: --resume right after a crash need not wait for the lease. Owners are host:pid:random.
 */
export function ownerIsGone(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname() || !/^\d+$/.test(pid ?? '')) return false;
  try {
    process.kill(Number(pid), 0);
    return false; // alive (or a process that took its pid: then waiting for the lease is the safe side)
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function checkpointOf(target: CheckpointTarget, cursor: Cursor | undefined, done: boolean): Checkpoint {
  return { format: CHECKPOINT_FORMAT, source: target.name, kind: target.kind, fingerprint: target.fingerprint, sink: 'postgres', cursor, done };
}
