import pg from 'pg';
import { IngestError } from '../../errors.js';
import { type Database, inTransaction } from './database.js';

/** Bumped when the tables change shape; run-start reports it, a later version migrates from it. */
export const TABLES_VERSION = 2;

/** The run a plain `--sink postgres` run (no --fleet NAME) lives in, and where v1's rows went. */
export const DEFAULT_RUN = 'default';

/**
 * Where the version is kept: a comment on ingest_sources. v1 wrote none, so tables without it are
 * v1; a column per row (v1's tables_version) says nothing once a table is empty.
 */
const versionComment = (version: number) => `ingest-tui tables v${version}`;

/**
 * The tables, created when missing (README, "More than one machine"). Several workers may start
 * at once: a transaction-scoped advisory lock lets one create or migrate them while the others wait.
 *
 * - ingest_records: one row per persisted record, keyed by (run, source, seq, idx).
 * - ingest_dead_letters: the records a transform refused, with the reason, keyed the same way.
 * - ingest_sources: one row per source of a run, keyed by (run, source): what it is (kind,
 *   fingerprint), where it stands (state, next_seq, cursor: moved in the same transaction as the
 *   rows), its counts, who holds it (owner, lease_until), who held it last (last_owner: the
 *   watcher's "per worker" once a source is final) and how often it was claimed (claims).
 *
 * v1 (part 1: keyed by source alone, one run per table) is migrated in place: its rows join the
 * run their source row names (DEFAULT_RUN for every v1 run the CLI made), then the keys widen.
 */
export async function ensureTables(db: Database): Promise<void> {
  await inTransaction(db, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('ingest-tui tables'))");
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${db.schema}`);
    const version = await tablesVersion(client, db);
    if (version === TABLES_VERSION) return;
    if (version === 1) await migrateV1(client, db);
    else if (version === undefined) await createV2(client, db);
    else
      throw new IngestError(
        'E_DATABASE',
        `${db.where}: the tables in schema ${db.schema} are version ${version}, newer than this ingest-tui's ${TABLES_VERSION}: upgrade it, or use another --db-schema`,
      );
    await createOpenIndex(client, db);
    await client.query(`COMMENT ON TABLE ${db.table('ingest_sources')} IS '${versionComment(TABLES_VERSION)}'`);
  });
}

/** The tables' version: undefined when there are none yet, 1 for part 1's (no comment). */
async function tablesVersion(client: pg.PoolClient, db: Database): Promise<number | undefined> {
  const { rows } = await client.query<{ exists: boolean; comment: string | null }>(
    `SELECT to_regclass($1) IS NOT NULL AS exists, obj_description(to_regclass($1), 'pg_class') AS comment`,
    [db.table('ingest_sources')],
  );
  const row = rows[0]!;
  if (!row.exists) return undefined;
  const match = /^ingest-tui tables v(\d+)$/.exec(row.comment ?? '');
  return match ? Number(match[1]) : 1;
}

async function createV2(client: pg.PoolClient, db: Database) {
  await client.query(`CREATE TABLE IF NOT EXISTS ${db.table('ingest_records')} (
    run text NOT NULL, source text NOT NULL, seq integer NOT NULL, idx integer NOT NULL, record jsonb NOT NULL,
    ingested_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run, source, seq, idx))`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${db.table('ingest_dead_letters')} (
    run text NOT NULL, source text NOT NULL, seq integer NOT NULL, idx integer NOT NULL, reason text NOT NULL, excerpt text NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run, source, seq, idx))`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${db.table('ingest_sources')} (
    run text NOT NULL, source text NOT NULL, kind text NOT NULL, fingerprint text NOT NULL,
    state text NOT NULL DEFAULT 'queued', next_seq integer NOT NULL DEFAULT 0, cursor jsonb,
    persisted bigint NOT NULL DEFAULT 0, dead_lettered bigint NOT NULL DEFAULT 0,
    owner text, lease_until timestamptz, last_owner text, claims integer NOT NULL DEFAULT 0, error text,
    tables_version integer NOT NULL DEFAULT ${TABLES_VERSION}, updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run, source))`);
}

/**
 * v1 → v2 in place, inside ensureTables' transaction (all or nothing, others wait on its lock).
 * Records and dead letters take their source's run (v1 kept one row per source, naming its run);
 * one whose source row is gone goes to DEFAULT_RUN. ADD COLUMN with a constant default rewrites
 * nothing; the UPDATE touches only rows of a run other than the default.
 */
async function migrateV1(client: pg.PoolClient, db: Database) {
  const sources = db.table('ingest_sources');
  for (const name of ['ingest_records', 'ingest_dead_letters'] as const) {
    const table = db.table(name);
    await client.query(`ALTER TABLE ${table} ADD COLUMN run text NOT NULL DEFAULT '${DEFAULT_RUN}'`);
    await client.query(`UPDATE ${table} AS r SET run = s.run FROM ${sources} AS s WHERE s.source = r.source AND s.run <> '${DEFAULT_RUN}'`);
    // Every writer names the run: a default left in place would hide a writer that forgot it.
    await client.query(`ALTER TABLE ${table} ALTER COLUMN run DROP DEFAULT`);
    await replacePrimaryKey(client, db, name, '(run, source, seq, idx)');
  }
  await client.query(`ALTER TABLE ${sources} ADD COLUMN last_owner text, ADD COLUMN claims integer NOT NULL DEFAULT 0`);
  await client.query(`ALTER TABLE ${sources} ALTER COLUMN tables_version SET DEFAULT ${TABLES_VERSION}`);
  await client.query(`UPDATE ${sources} SET tables_version = ${TABLES_VERSION}`);
  await replacePrimaryKey(client, db, 'ingest_sources', '(run, source)');
}

/**
 * The sources still open (queued or running), in claim order: a fleet's claim walks this index
 * only, not past the thousands already done late in a run of 10,000 (which made each claim O(n)).
 */
async function createOpenIndex(client: pg.PoolClient, db: Database) {
  await client.query(
    `CREATE INDEX IF NOT EXISTS ${pg.escapeIdentifier('ingest_sources_open')} ON ${db.table('ingest_sources')} (run, source) WHERE state IN ('queued', 'running')`,
  );
}

/** Drops the table's primary key, whatever it is called, and adds the wider one. */
async function replacePrimaryKey(client: pg.PoolClient, db: Database, name: Parameters<Database['table']>[0], columns: string) {
  const table = db.table(name);
  const { rows } = await client.query<{ conname: string }>(`SELECT conname FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'p'`, [table]);
  for (const { conname } of rows) await client.query(`ALTER TABLE ${table} DROP CONSTRAINT ${pg.escapeIdentifier(conname)}`);
  await client.query(`ALTER TABLE ${table} ADD PRIMARY KEY ${columns}`);
}
