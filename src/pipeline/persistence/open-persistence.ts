import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { DEAD_LETTER_FILE, type DeadLetters, deadLetterFile, discardDeadLetters } from '../../sinks/dead-letter.js';
import { ndjsonSink } from '../../sinks/ndjson.js';
import { noneSink, type Sink } from '../../sinks/sink.js';
import { SQLITE_SIDECARS, sqliteSink } from '../../sinks/sqlite.js';
import type { Source } from '../../sources/source.js';
import type { SourceConfig } from '../config.js';
import type { SourceFeed } from '../source-feed.js';
import { CHECKPOINT_DIR, type CheckpointStore, type CheckpointTarget, checkpointFile, openCheckpoints, sourceFingerprint } from './checkpoints.js';
import type { PlannedWrite } from './output-guard.js';
import { MANIFEST_FILE } from './ownership.js';

export type SinkKind = 'ndjson' | 'sqlite' | 'postgres' | 'none';

export interface Persistence {
  sink: Sink;
  deadLetters: DeadLetters;
  checkpoints?: CheckpointStore;
  /** The run's sources, those done in the resumed run replaced by ones that skip. */
  sources: Source[];
  /** After the run, its outputs closed: remember what it wrote (see ownership.ts). Never fails. */
  seal(): Promise<void>;
  /** Where the records go, for run-start and the screen (a database: its URL without the password). */
  where?: string;
  /** --fleet: where the lanes take their sources from (claims in the run's table), instead of `sources`. */
  feed?: SourceFeed;
  /** --fleet: tells of a source another worker holds now (its lease ran out): the run stops reading it. */
  onLost?(listener: (source: string) => void): void;
}

/**
 * Everything a run writes to --out, lined up before the first chunk: the sink, the dead-letter
 * file and the checkpoints (loaded and checked with --resume, cleared for a fresh run).
 */
export async function openPersistence(options: {
  sink: SinkKind;
  out: string;
  resume: boolean;
  configs: SourceConfig[];
  sources: Source[];
  seed: number;
  /** --sink postgres: the server (--db, else $DATABASE_URL, else libpq's PG* variables) and schema. */
  db?: { url?: string; schema?: string };
  /** --fleet NAME: join the fleet run of that name (needs --sink postgres). */
  fleet?: string;
}): Promise<Persistence> {
  const { out, sources } = options;
  if (options.sink === 'none') {
    if (options.resume) throw new UsageError('--resume needs --sink ndjson, sqlite or postgres: --sink none keeps nothing to resume from');
    return { sink: noneSink(), deadLetters: discardDeadLetters, sources, seal: async () => {} };
  }
  const targets = options.configs.map((c) => ({ name: c.name, kind: c.kind, fingerprint: sourceFingerprint(c.config, options.seed) }));
  if (options.sink === 'postgres' && options.fleet !== undefined) return openFleetPersistence({ ...options, fleet: options.fleet, targets });
  if (options.sink === 'postgres') return openDatabasePersistence({ ...options, targets });
  const sink = createSink(options.sink, out);
  try {
    const checkpoints = await openCheckpoints({ out, sink, targets, resume: options.resume });
    // A manifest that cannot be sealed still lists the files: they stay ours, only their look unknown.
    const seal = () => checkpoints.sealOutputs().catch(() => {});
    return { sink, deadLetters: deadLetterFile(out, 'a'), checkpoints, sources: checkpoints.skipDone(sources), seal };
  } catch (err) {
    await sink.close().catch(() => {});
    throw err;
  }
}

/**
 * --sink postgres: rows, dead letters and checkpoints in the database, committed together (the
 * sink's transaction), nothing in --out. pg loads only here. While the run lasts, this worker's
 * hold on its sources (their lease) is renewed; a worker that dies lets go when it runs out.
 */
async function openDatabasePersistence(options: {
  sources: Source[];
  resume: boolean;
  targets: CheckpointTarget[];
  db?: { url?: string; schema?: string };
}): Promise<Persistence> {
  const [{ connectDatabase }, { ensureTables, DEFAULT_RUN }, { postgresSink }, { openPostgresCheckpoints, LEASE_SECONDS }, { lockInOrder }] = await Promise.all(
    [
      import('../../sinks/postgres/database.js'),
      import('../../sinks/postgres/tables.js'),
      import('../../sinks/postgres/sink.js'),
      import('./postgres-checkpoints.js'),
      import('../../sinks/postgres/lock-order.js'),
    ],
  );
  const db = await connectDatabase(options.db ?? {});
  try {
    await ensureTables(db);
    const owner = workerId();
    const run = DEFAULT_RUN;
    const checkpoints = await openPostgresCheckpoints({ db, owner, run, targets: options.targets, resume: options.resume });
    const sources = db.table('ingest_sources');
    const renew = setInterval(
      () => {
        db.pool
          .query(
            `WITH ${lockInOrder(sources, 'owner = $1')}
             UPDATE ${sources} AS s SET lease_until = now() + make_interval(secs => $2) FROM locked WHERE s.run = locked.run AND s.source = locked.source`,
            [owner, LEASE_SECONDS],
          )
          .catch(() => {});
      },
      (LEASE_SECONDS * 1000) / 3,
    );
    renew.unref();
    return {
      sink: postgresSink(db, owner, run),
      deadLetters: discardDeadLetters, // the sink commits them with the rows
      checkpoints,
      sources: checkpoints.skipDone(options.sources),
      seal: async () => clearInterval(renew),
      where: `${db.where} (schema ${db.schema})`,
    };
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
}

/**
 * --fleet NAME: this worker joins the run NAME in the database (registering its sources if it is
 * the first), and its lanes claim sources from it as they free (FleetFeed). Rows and cursors commit
 * together through the same sink as a run of one; a source's end is told to the run (see
 * fleetCheckpoints). The feed is closed before the sink closes the database.
 */
async function openFleetPersistence(options: {
  sources: Source[];
  targets: CheckpointTarget[];
  db?: { url?: string; schema?: string };
  fleet: string;
}): Promise<Persistence> {
  const [{ connectDatabase }, { ensureTables }, { postgresSink }, { FleetFeed }, { fleetCheckpoints }, { leaseMsFromEnv }] = await Promise.all([
    import('../../sinks/postgres/database.js'),
    import('../../sinks/postgres/tables.js'),
    import('../../sinks/postgres/sink.js'),
    import('../../fleet/feed.js'),
    import('../../fleet/checkpoints.js'),
    import('../../fleet/lease.js'),
  ]);
  const leaseMs = leaseMsFromEnv(); // a bad INGEST_TUI_LEASE is refused before connecting
  // One connection for the sink's transactions, one for the feed's LISTEN, the rest for claims,
  // renewals and totals: however many lanes, they share one claim at a time (FleetFeed.next).
  const db = await connectDatabase({ ...(options.db ?? {}), max: 5 });
  try {
    await ensureTables(db);
    const owner = workerId();
    const feed = await FleetFeed.join({ db, run: options.fleet, owner, sources: options.sources, targets: options.targets, leaseMs });
    const lost = new Set<(source: string) => void>();
    const tell = (source: string) => {
      for (const listener of lost) listener(source);
    };
    feed.onLost = (names) => names.forEach(tell);
    const sink = postgresSink(db, owner, options.fleet, { onLost: tell });
    const where = `${db.where} (schema ${db.schema})`;
    return {
      sink: {
        ...sink,
        async close() {
          await feed.release().catch(() => {}); // anything still held (a run that failed): for another worker now
          await feed.close();
          await sink.close();
        },
      },
      deadLetters: discardDeadLetters,
      checkpoints: fleetCheckpoints(feed, options.targets, db.where),
      sources: options.sources,
      feed,
      onLost: (listener) => lost.add(listener),
      seal: async () => {},
      where,
    };
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
}

/** This process, as the owner of the sources it holds: host, pid and a random part (pids recur). */
export function workerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

const createSink = (kind: 'ndjson' | 'sqlite', out: string): Sink => (kind === 'sqlite' ? sqliteSink(out) : ndjsonSink(out));

/**
 * Every path in --out a run may create, change or remove, for refuseOverlaps(): the sink's files,
 * the dead letters, the checkpoints and the manifest, with the temp files they are replaced through.
 */
export function plannedWrites(options: { sink: SinkKind; out: string; names: string[]; flag: string }): PlannedWrite[] {
  const { out, names, flag } = options;
  if (options.sink === 'none' || options.sink === 'postgres') return []; // nothing in --out
  const sink = createSink(options.sink, out);
  const writes: PlannedWrite[] = [];
  const add = (what: string, ...paths: string[]) => {
    for (const path of paths) writes.push({ path, flag, what });
  };
  if (options.sink === 'sqlite') add('the SQLite database', ...sink.files!('').flatMap((db) => [db, ...SQLITE_SIDECARS.map((s) => db + s)]));
  else for (const name of names) add(`source ${JSON.stringify(name)}'s records`, ...sink.files!(name));
  const deadLetters = join(out, DEAD_LETTER_FILE);
  add('the dead letters', deadLetters, `${deadLetters}.tmp`);
  for (const name of names) add(`source ${JSON.stringify(name)}'s checkpoint`, checkpointFile(out, name), `${checkpointFile(out, name)}.tmp`);
  const manifest = join(out, CHECKPOINT_DIR, MANIFEST_FILE);
  add('the list of files it wrote', manifest, `${manifest}.tmp`);
  return writes;
}
