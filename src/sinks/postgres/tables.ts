import { type Database, inTransaction } from './database.js';

/** Bumped when the tables change shape; run-start reports it, a later version migrates from it. */
const TABLES_VERSION = 1;

/**
 * The tables, created when missing (README, "More than one machine"). Several workers may start
 * at once: a transaction-scoped advisory lock lets one create them while the others wait.
 *
 * - ingest_records: one row per persisted record, keyed by (source, seq, idx) as in SQLite.
 * - ingest_dead_letters: the records a transform refused, with the reason.
 * - ingest_sources: one row per source: its run, what it is (kind, fingerprint), where it
 *   stands (state, next_seq, cursor: moved in the same transaction as the rows), its counts,
 *   and who holds it (owner, lease_until).
 */
export async function ensureTables(db: Database): Promise<void> {
  await inTransaction(db, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('ingest-tui tables'))");
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${db.schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${db.table('ingest_records')} (
      source text NOT NULL, seq integer NOT NULL, idx integer NOT NULL, record jsonb NOT NULL,
      ingested_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (source, seq, idx))`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${db.table('ingest_dead_letters')} (
      source text NOT NULL, seq integer NOT NULL, idx integer NOT NULL, reason text NOT NULL, excerpt text NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (source, seq, idx))`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${db.table('ingest_sources')} (
      source text PRIMARY KEY, run text NOT NULL, kind text NOT NULL, fingerprint text NOT NULL,
      state text NOT NULL DEFAULT 'queued', next_seq integer NOT NULL DEFAULT 0, cursor jsonb,
      persisted bigint NOT NULL DEFAULT 0, dead_lettered bigint NOT NULL DEFAULT 0,
      owner text, lease_until timestamptz, error text,
      tables_version integer NOT NULL DEFAULT ${TABLES_VERSION}, updated_at timestamptz NOT NULL DEFAULT now())`);
  });
}
