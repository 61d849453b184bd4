// The kill/resume loop, 20 rounds by default:  npm run kill-resume [-- --rounds 20 --sink both]
// Each round: a fresh --out, the built CLI stopped 1-4 times at random moments (SIGKILL, SIGINT,
// SIGTERM, two SIGINTs), --resume after each, then one --resume to the end; every record and
// dead letter compared with an uninterrupted reference run. Prints runs, records, lost, doubled.
//
// Fleet mode:  npm run kill-resume -- --fleet [--rounds 20] [--db URL]
// Each round: a fleet run of its own shared by 3 workers (--sink postgres --fleet), one of them
// stopped 1-4 times at random moments (SIGKILL or SIGINT) and a new one started in its place,
// then all run to the end; every record and dead letter in the database compared with one
// process's uninterrupted run. The database (a fresh one on the local server unless --db) is dropped after.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli } from '../test/helpers/cli.js';
import { killResumeRound, readOutput, type Sink, writeKillResumeSources } from '../test/helpers/kill-resume.js';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '20' }, sink: { type: 'string', default: 'both' }, fleet: { type: 'boolean' }, db: { type: 'string' } },
});
const rounds = Number(values.rounds);
if (values.fleet) {
  await fleetLoop();
  process.exit();
}
const sinks: Sink[] = values.sink === 'both' ? ['ndjson', 'sqlite'] : [values.sink as Sink];

const dir = mkdtempSync(join(tmpdir(), 'kill-resume-'));
try {
  const sources = writeKillResumeSources(dir);
  const refOut = join(dir, 'reference');
  const ref = await runCli(['--sources', sources, '--out', refOut, '--json']);
  if (ref.code !== 0) throw new Error(`reference run exited ${ref.code}: ${ref.stderr}`);
  const reference = readOutput(refOut, 'ndjson');
  console.log(`reference: ${reference.size} records and dead letters`);

  const total = { runs: 0, stops: 0, expected: 0, found: 0, lost: 0, doubled: 0, wrong: 0, problems: 0 };
  for (let round = 1; round <= rounds; round++) {
    const sink = sinks[(round - 1) % sinks.length]!;
    const out = join(dir, `round-${round}`);
    const kills = 1 + Math.floor(Math.random() * 4);
    const r = await killResumeRound({ sources, out, sink, reference, kills });
    rmSync(out, { recursive: true, force: true });
    for (const key of ['runs', 'expected', 'found', 'lost', 'doubled', 'wrong'] as const) total[key] += r[key];
    total.stops += r.stops.filter((s) => !s.includes('too late')).length;
    total.problems += r.problems.length;
    console.log(
      `round ${String(round).padStart(2)} ${sink.padEnd(6)} runs ${r.runs} (${r.stops.join(', ')}) · records ${r.found}/${r.expected} · lost ${r.lost} · doubled ${r.doubled} · wrong ${r.wrong}` +
        (r.problems.length ? `\n  problems: ${r.problems.join('\n  ')}` : ''),
    );
  }
  console.log(
    `\ntotal: ${rounds} rounds · ${total.runs} runs · ${total.stops} runs stopped mid-way · records ${total.found}/${total.expected} · lost ${total.lost} · doubled ${total.doubled} · wrong ${total.wrong} · problems ${total.problems}`,
  );
  process.exitCode = total.lost + total.doubled + total.wrong + total.problems === 0 ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

async function fleetLoop() {
  const pg = (await import('pg')).default;
  const { fleetKillResumeRound, referenceRun } = await import('../test/helpers/fleet-kill-resume.js');
  const server = 'postgresql:///postgres?host=/var/run/postgresql';
  const name = `ingest_kill_resume_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  if (!values.db) await admin(`CREATE DATABASE ${name}`);
  const url = values.db ?? `postgresql:///${name}?host=/var/run/postgresql`;
  const dir = mkdtempSync(join(tmpdir(), 'kill-resume-fleet-'));
  try {
    const sources = writeKillResumeSources(dir);
    const reference = await referenceRun(sources, url);
    console.log(`reference: ${reference.size} records and dead letters`);
    const total = { workers: 0, stops: 0, expected: 0, found: 0, lost: 0, doubled: 0, wrong: 0, problems: 0 };
    for (let round = 1; round <= rounds; round++) {
      const kills = 1 + Math.floor(Math.random() * 4);
      const r = await fleetKillResumeRound({ sources, url, run: `round-${round}-${randomBytes(2).toString('hex')}`, reference, kills });
      for (const key of ['workers', 'expected', 'found', 'lost', 'doubled', 'wrong'] as const) total[key] += r[key];
      total.stops += r.stops.filter((s) => !s.includes('too late')).length;
      total.problems += r.problems.length;
      console.log(
        `round ${String(round).padStart(2)} fleet  workers ${r.workers} (${r.stops.join(', ')}) · records ${r.found}/${r.expected} · lost ${r.lost} · doubled ${r.doubled} · wrong ${r.wrong}` +
          (r.problems.length ? `\n  problems: ${r.problems.join('\n  ')}` : ''),
      );
    }
    console.log(
      `\ntotal: ${rounds} rounds · ${total.workers} workers · ${total.stops} stopped mid-way · records ${total.found}/${total.expected} · lost ${total.lost} · doubled ${total.doubled} · wrong ${total.wrong} · problems ${total.problems}`,
    );
    process.exitCode = total.lost + total.doubled + total.wrong + total.problems === 0 ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (!values.db) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}
