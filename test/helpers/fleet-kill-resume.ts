import { userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { type CliResult, runCli, type Started, startCli } from './cli.js';
import { type Comparison, compare } from './kill-resume.js';

/**
 * The kill/resume loop's fleet mode, shared by test/fleet/fleet.cli.test.ts and
 * scripts/kill-resume-loop.ts (--fleet): three workers share one run; one of them, chosen at
 * random, is stopped at a random moment with SIGKILL or SIGINT and a new worker is started in its
 * place, `kills` times; then every worker runs to the end. Every record and dead letter in the
 * database is compared with one process's uninterrupted run of the same sources.
 */

export type FleetStop = 'SIGKILL' | 'SIGINT';
// As psql does (peer auth on the local socket): a URL without a user name means the login name.
pg.defaults.user ||= process.env.PGUSER || userInfo().username;

const STOPS: FleetStop[] = ['SIGKILL', 'SIGINT'];
const WORKERS = 3;

/** Every record and dead letter of a run, keyed by (kind, source, seq, index): key -> texts (several: doubled). */
export async function readRun(url: string, run: string): Promise<Map<string, string[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const found = new Map<string, string[]>();
    const add = (key: string, text: string) => found.set(key, [...(found.get(key) ?? []), text]);
    const records = await client.query<{ source: string; seq: number; idx: number; record: string }>(
      'SELECT source, seq, idx, record::text AS record FROM ingest_records WHERE run = $1',
      [run],
    );
    for (const r of records.rows) add(`record ${r.source}/${r.seq}/${r.idx}`, r.record);
    const dead = await client.query<{ source: string; seq: number; idx: number; reason: string; excerpt: string }>(
      'SELECT source, seq, idx, reason, excerpt FROM ingest_dead_letters WHERE run = $1',
      [run],
    );
    for (const d of dead.rows) add(`dead-letter ${d.source}/${d.seq}/${d.idx}`, `${d.reason}\n${d.excerpt}`);
    return found;
  } finally {
    await client.end();
  }
}

/** The reference: the same sources run by one process alone (--sink postgres, no fleet: run "default"). */
export async function referenceRun(sources: string, url: string): Promise<Map<string, string[]>> {
  const ref = await runCli(['--sources', sources, '--sink', 'postgres', '--db', url, '--json']);
  if (ref.code !== 0) throw new Error(`reference run exited ${ref.code}: ${ref.stderr}`);
  return readRun(url, 'default');
}

export interface FleetRoundResult extends Comparison {
  /** Workers started in all (three, and one more for each stop). */
  workers: number;
  stops: string[];
  /** An exit code that was not the contract's, a worker that did not end. */
  problems: string[];
}

const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min));

/** One round in database `url`, fleet run `run`. */
export async function fleetKillResumeRound(options: {
  sources: string;
  url: string;
  run: string;
  reference: Map<string, string[]>;
  kills: number;
  /** How long after the last start a stop comes, ms. */
  stopAfterMs?: [number, number];
}): Promise<FleetRoundResult> {
  const { sources, url, run } = options;
  // A short lease: a SIGKILL'd worker of another host would hand on after 2 s (one of this host at once).
  const exited = new WeakSet<Started>();
  const start = () => {
    const cli = startCli(['--sources', sources, '--sink', 'postgres', '--db', url, '--fleet', run, '--json'], {
      env: { INGEST_TUI_GRACE: '3s', INGEST_TUI_LEASE: '2s' },
    });
    void cli.result.then(() => exited.add(cli));
    return cli;
  };
  const problems: string[] = [];
  const stops: string[] = [];
  const live: Started[] = Array.from({ length: WORKERS }, start);
  const ended: Promise<void>[] = [];
  let workers = WORKERS;
  const expectExit = (cli: Started, stop: FleetStop | undefined) =>
    cli.result.then((result: CliResult) => {
      // Stopped too late (it had ended) exits 0; before its handlers exist, a signal ends it the default way.
      const ok =
        result.code === 0 || (stop === 'SIGKILL' ? result.signal === 'SIGKILL' : stop === 'SIGINT' && (result.code === 130 || result.signal === 'SIGINT'));
      if (!ok) problems.push(`${stop ?? 'to the end'}: exit ${result.code} ${result.signal ?? ''} ${result.stderr.slice(-300)}`);
    });
  for (let k = 0; k < options.kills; k++) {
    const [min, max] = options.stopAfterMs ?? [200, 1500];
    await sleep(random(min, max));
    const victim = live.splice(random(0, live.length), 1)[0]!;
    const stop = STOPS[random(0, STOPS.length)]!;
    stops.push(exited.has(victim) ? `${stop} (too late: it had ended)` : stop);
    victim.child.kill(stop);
    ended.push(expectExit(victim, stop));
    live.push(start());
    workers += 1;
  }
  ended.push(...live.map((cli) => expectExit(cli, undefined)));
  const timeout = sleep(120_000).then(() => 'timeout' as const);
  if ((await Promise.race([Promise.all(ended), timeout])) === 'timeout') {
    problems.push('a worker did not end within 2 min');
    for (const cli of live) cli.child.kill('SIGKILL');
  }
  return { workers, stops, problems, ...compare(options.reference, await readRun(url, run)) };
}
