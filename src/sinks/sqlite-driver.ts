/**
 * The SQLite library the sink writes with: Node's built-in `node:sqlite` where there is one
 * (Node ≥ 22.13, or 22.5 with --experimental-sqlite), better-sqlite3's native build otherwise (Node 20).
 * Both are synchronous and open the same files; this is the little of them the sink and the tests
 * use. INGEST_TUI_SQLITE=better-sqlite3 or =node:sqlite picks one (for the benchmarks and tests).
 *
 * node:sqlite comes first where both are there: measured on Node 22.23 and 24.22 (2 cores), the
 * 110 MB file ingest writes 194 vs 192 k rec/s and 207 vs 199 k rec/s, with ~15 MiB less peak
 * RSS, and the sink alone and the pipeline are within their run-to-run noise of each other
 * (npm run bench -- sqlite-sink, npm run bench:sqlite). It needs no build and no matching ABI.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { IngestError } from '../errors.js';

export type SqlValue = string | number | bigint | null;

export interface Statement {
  run(...params: SqlValue[]): unknown;
  get(...params: SqlValue[]): unknown;
  all(...params: SqlValue[]): unknown[];
}

export interface Connection {
  exec(sql: string): void;
  prepare(sql: string): Statement;
  close(): void;
}

export type DriverName = 'node:sqlite' | 'better-sqlite3';

export interface Driver {
  name: DriverName;
  open(path: string, options?: { readOnly?: boolean }): Connection;
}

/** The part of node:sqlite used here (@types/node 20 has none of it). */
interface NodeSqlite {
  DatabaseSync: new (path: string, options?: { readOnly?: boolean }) => Connection;
}

const SQLITE_WARNING = /^SQLite is an experimental feature/;

/**
 * node:sqlite, or undefined where Node has none (20, or 22.5–22.12 without --experimental-sqlite).
 * Node 22 prints an ExperimentalWarning when it loads; that warning alone is kept quiet (it would
 * land in the middle of the dashboard), any other goes on as usual. Node 24 prints none.
 */
export function nodeSqlite(): NodeSqlite | undefined {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    const message = typeof warning === 'string' ? warning : warning.message;
    if (SQLITE_WARNING.test(message)) return;
    return (emitWarning as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return process.getBuiltinModule?.('node:sqlite') as NodeSqlite | undefined;
  } finally {
    process.emitWarning = emitWarning;
  }
}

type BetterSqlite3Module = typeof BetterSqlite3;

/** Why better-sqlite3 cannot be used, in a few words, from the error loading it gave. */
function whyNoBetterSqlite3(err: unknown): string {
  const { code, message = '' } = err as { code?: string; message?: string };
  if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') return 'it is not installed: `npm install better-sqlite3`';
  if (/NODE_MODULE_VERSION/.test(message)) return 'it was built for another version of Node: `npm rebuild better-sqlite3`';
  if (/Could not locate the bindings file/.test(message))
    return 'it was never built: installed with --ignore-scripts, or its build failed; `npm rebuild better-sqlite3` needs python3, make and a C++ compiler';
  return message.split('\n')[0] || 'it did not load';
}

/**
 * better-sqlite3's native build, opened once on an in-memory database so that a missing or
 * mismatched build shows here rather than when the sink's file is opened. Throws an IngestError
 * saying what is needed.
 */
export function betterSqlite3(load: (id: string) => unknown = createRequire(import.meta.url)): BetterSqlite3Module {
  try {
    const Database = load('better-sqlite3') as BetterSqlite3Module;
    new Database(':memory:').close();
    return Database;
  } catch (cause) {
    const node = process.version.slice(1);
    throw new IngestError(
      'E_USAGE',
      `--sink sqlite needs better-sqlite3's native build on Node ${node} (${whyNoBetterSqlite3(cause)}); or use Node ≥ 22.13, which has SQLite built in`,
      { cause },
    );
  }
}

const fromNodeSqlite = ({ DatabaseSync }: NodeSqlite): Driver => ({
  name: 'node:sqlite',
  open: (path, options = {}) => new DatabaseSync(path, { readOnly: options.readOnly ?? false }),
});

const fromBetterSqlite3 = (Database: BetterSqlite3Module): Driver => ({
  name: 'better-sqlite3',
  open: (path, options = {}) => new Database(path, { readonly: options.readOnly ?? false }) as unknown as Connection,
});

/** The driver to use: INGEST_TUI_SQLITE's if set, else node:sqlite where Node has it, else better-sqlite3. */
export function sqliteDriver(choice = process.env.INGEST_TUI_SQLITE): Driver {
  if (choice === 'better-sqlite3') return fromBetterSqlite3(betterSqlite3());
  const builtIn = nodeSqlite();
  if (builtIn) return fromNodeSqlite(builtIn);
  if (choice === 'node:sqlite')
    throw new IngestError(
      'E_USAGE',
      `INGEST_TUI_SQLITE=node:sqlite: Node ${process.version.slice(1)} has no node:sqlite (Node ≥ 22.13 has; 22.5 with --experimental-sqlite)`,
    );
  return fromBetterSqlite3(betterSqlite3());
}

/** Runs `body` in one transaction: committed when it returns, rolled back when it throws. */
export function transaction(db: Connection, body: () => void): void {
  db.exec('BEGIN');
  try {
    body();
    db.exec('COMMIT');
  } catch (err) {
    try {
      db.exec('ROLLBACK');
    } catch {} // SQLite may have rolled back already (a full disk, an I/O error)
    throw err;
  }
}
