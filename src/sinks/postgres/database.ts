import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import pg from 'pg';
import { describeError, IngestError } from '../../errors.js';

/** A connection pool to the run's database, and the schema its tables live in (quoted for SQL). */
export interface Database {
  pool: pg.Pool;
  /** The schema, as an SQL identifier: `"public"`. */
  schema: string;
  /** Where, for messages: the URL without its password. */
  where: string;
  /** A table of ours, qualified and quoted: `"public"."ingest_records"`. */
  table(name: 'ingest_records' | 'ingest_dead_letters' | 'ingest_sources'): string;
  close(): Promise<void>;
}

/** Where Debian's libpq looks for the local server's socket. */
const LOCAL_SOCKET_DIRS = ['/var/run/postgresql'];

/** The URL as it may be printed: never the password, whoever asks (run-start, errors, --record). */
function redactUrl(url: string | undefined): string {
  if (!url) return 'the PG* environment (libpq defaults)';
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    // A password may hide in the query too (?password=…).
    for (const key of [...parsed.searchParams.keys()]) if (/pass/i.test(key)) parsed.searchParams.set(key, '***');
    return parsed.href;
  } catch {
    // libpq takes URLs that WHATWG's parser refuses (an empty host: postgresql://u:pw@/db?host=/run);
    // the password goes all the same, from the user info and the query.
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return 'a database URL that does not parse';
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):[^@/?#]*@/i, '$1:***@').replace(/([?&][^=&#]*pass[^=&#]*=)[^&#]*/gi, '$1***');
  }
}

/**
 * Connects (the URL, else $DATABASE_URL, else libpq's PG* variables, as psql does) and checks the
 * server answers, before any source starts: an unreachable or refusing server, a wrong password
 * or a missing database is one line naming the server, never the password.
 */
export async function connectDatabase(options: { url?: string; schema?: string; max?: number }): Promise<Database> {
  const url = options.url || process.env.DATABASE_URL || undefined;
  const where = redactUrl(url);
  // As libpq (psql) does: the login name for a user, the server's local socket for a host. pg's
  // own defaults, $USER and TCP to localhost, ask a password of who psql lets in by peer auth.
  pg.defaults.user ||= userInfo().username;
  if (!process.env.PGHOST) pg.defaults.host = LOCAL_SOCKET_DIRS.find((dir) => existsSync(dir)) ?? 'localhost';
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 4, connectionTimeoutMillis: 10_000, application_name: 'ingest-tui' });
  // An idle connection the server drops must not crash the process: the next query says so.
  pool.on('error', () => {});
  let schemaName: string;
  try {
    const result = await pool.query<{ schema: string | null }>('SELECT current_schema() AS schema');
    schemaName = options.schema ?? result.rows[0]?.schema ?? 'public';
  } catch (cause) {
    await pool.end().catch(() => {});
    throw new IngestError('E_DATABASE', `--db ${where}: ${describeConnectError(cause)}`, { cause });
  }
  const schema = pg.escapeIdentifier(schemaName);
  return {
    pool,
    schema,
    where,
    table: (name) => `${schema}.${pg.escapeIdentifier(name)}`,
    close: () => pool.end(),
  };
}

/** Runs `work` in one transaction on a connection of its own: committed if it returns, rolled back if it throws. */
export async function inTransaction<T>(db: Database, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** What went wrong connecting, in words: the server's own message for the usual refusals. */
function describeConnectError(err: unknown): string {
  const code = (err as { code?: string }).code;
  const message = describeError(err).replace(/password=\S+/gi, 'password=***');
  switch (code) {
    case 'ECONNREFUSED':
      return 'no PostgreSQL server answers there (connection refused)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host does not resolve (${code})`;
    case '28P01':
    case '28000':
      return `the server refused the login (${message})`;
    case undefined:
      if (/client password must be a string/.test(message)) return 'the server asks for a password and none was given (put it in the URL, or in PGPASSWORD)';
      return message;
    case '3D000':
      return `${message} (create it, or name another database in the URL)`;
    default:
      return message;
  }
}
