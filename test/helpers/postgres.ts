import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import type { TestContext } from 'node:test';
import pg from 'pg';

/**
 * A real PostgreSQL server for the tests: $INGEST_TUI_TEST_DATABASE_URL, else the local one
 * psql reaches (peer auth on the Debian socket, as .ci/run sets it up). Each test gets a database
 * of its own, dropped afterwards. With no server, the tests are skipped on a developer's machine
 * and fail in CI (CI=true), where .ci/run must have started one.
 */
const SERVER_URL = process.env.INGEST_TUI_TEST_DATABASE_URL ?? 'postgresql:///postgres?host=/var/run/postgresql';

const USER = process.env.PGUSER || process.env.USER || userInfo().username;
// A URL without a user name parses to an empty one, which hides any `user` option: set pg's default.
pg.defaults.user ||= USER;

let available: boolean | undefined;
async function serverAvailable(): Promise<boolean> {
  if (available !== undefined) return available;
  const client = new pg.Client({ connectionString: SERVER_URL, user: USER, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    available = true;
  } catch {
    available = false;
  }
  return available;
}

/** A fresh database for this test: its URL and a client to look inside. */
export interface TestDatabase {
  url: string;
  query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

/** Undefined (the test is marked skipped) when there is no server and this is not CI. */
export async function freshDatabase(t: TestContext): Promise<TestDatabase | undefined> {
  if (!(await serverAvailable())) {
    if (process.env.CI) throw new Error(`no PostgreSQL server at ${SERVER_URL}: .ci/run should have started one`);
    t.skip('no PostgreSQL server here');
    return undefined;
  }
  const name = `ingest_test_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER_URL, user: USER });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = SERVER_URL.replace(/\/postgres(\?|$)/, `/${name}$1`);
  const client = new pg.Client({ connectionString: url, user: USER });
  await client.connect();
  t.after(async () => {
    await client.end().catch(() => {});
    const dropper = new pg.Client({ connectionString: SERVER_URL, user: USER });
    await dropper.connect();
    await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await dropper.end();
  });
  return { url, query: async (sql, params) => (await client.query(sql, params)).rows };
}
