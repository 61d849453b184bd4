import { spawnSync } from 'node:child_process';
import { FeatureNotAvailable } from './types.js';

const SOCKET = '/var/run/postgresql';

/** SQL on the local server's `postgres` database through psql (peer auth on the socket); n/a without a server. */
export function psql(sql: string): string {
  const r = spawnSync('psql', ['-h', SOCKET, '-d', 'postgres', '-Atc', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new FeatureNotAvailable(`no PostgreSQL server to measure against (${(r.stderr || r.error?.message || '').trim().split('\n')[0]})`);
  return r.stdout.trim();
}

let databases = 0;

/** A database of its own for one measured run, made before and dropped after. */
export async function inFreshDatabase<T>(run: (url: string) => Promise<T>): Promise<T> {
  const name = `ingest_bench_${process.pid}_${++databases}`;
  psql(`CREATE DATABASE ${name}`);
  try {
    return await run(`postgresql:///${name}?host=${SOCKET}`);
  } finally {
    psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}
