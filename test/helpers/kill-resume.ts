import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sqliteDriver } from '../../src/sinks/sqlite-driver.js';
import { type CliResult, parseEvents, runCli, startCli } from './cli.js';
import { writeFiles } from './temp.js';

/**
 * The kill/resume loop shared by test/persistence.cli.test.ts and scripts/kill-resume-loop.ts:
 * run the built CLI, stop it at a random moment in a random way (SIGKILL, SIGINT, SIGTERM, two
 * SIGINTs), --resume, again, until a run completes; then compare every record and dead letter
 * with an uninterrupted reference run.
 */

export type Sink = 'ndjson' | 'sqlite';
export type Stop = 'SIGKILL' | 'SIGINT' | 'SIGTERM' | 'SIGINT twice';
const STOPS: Stop[] = ['SIGKILL', 'SIGINT', 'SIGTERM', 'SIGINT twice'];

/** Four kinds of source, each resuming its own way (chunk seq, byte offset, row cursor). */
export function writeKillResumeSources(dir: string): string {
  const lines = Array.from({ length: 6000 }, (_, i) => (i % 997 === 5 ? `{"torn": ${i}` : JSON.stringify({ line: i, text: `event ${i}` })));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'events.ndjson'), `${lines.join('\n')}\n`);
  return writeFiles(dir, {
    'ingest.json': { concurrency: 3 },
    'sources.json': [
      { name: 'orders', kind: 'simulated', chunks: 60, recordsPerChunk: 20, latency: '25ms', jitter: 0.5, badRecords: 0.02 },
      { name: 'clicks', kind: 'simulated', chunks: 40, recordsPerChunk: 25, latency: '35ms' },
      { name: 'event-log', kind: 'file', path: 'events.ndjson', chunkRecords: 40 },
      { name: 'warehouse', kind: 'database', rows: 400, chunkRows: 20, rowDelay: '4ms', connectDelay: '40ms', closeDelay: '10ms' },
    ],
  });
}

/** Every persisted record and dead letter in --out, keyed by (kind, source, seq, index): key -> texts. */
export function readOutput(out: string, sink: Sink): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const add = (key: string, text: string) => found.set(key, [...(found.get(key) ?? []), text]);
  const addRecord = (line: string) => {
    const { source, seq, index } = (JSON.parse(line) as { _ingest: { source: string; seq: number; index: number } })._ingest;
    add(`record ${source}/${seq}/${index}`, line);
  };
  if (sink === 'sqlite') {
    const db = sqliteDriver().open(join(out, 'ingest.sqlite'), { readOnly: true });
    try {
      for (const row of db.prepare('SELECT record FROM records').all() as Array<{ record: string }>) addRecord(row.record);
    } finally {
      db.close();
    }
  } else {
    for (const file of readdirSync(out).filter((f) => f.endsWith('.ndjson') && f !== 'dead-letter.ndjson')) {
      const text = readFileSync(join(out, file), 'utf8');
      if (text && !text.endsWith('\n')) add(`torn ${file}`, text.slice(text.lastIndexOf('\n') + 1));
      for (const line of text.split('\n').filter(Boolean)) addRecord(line);
    }
  }
  const deadLetters = join(out, 'dead-letter.ndjson');
  if (existsSync(deadLetters)) {
    for (const line of readFileSync(deadLetters, 'utf8').split('\n').filter(Boolean)) {
      const { source, seq, index } = JSON.parse(line) as { source: string; seq: number; index: number };
      add(`dead-letter ${source}/${seq}/${index}`, line);
    }
  }
  return found;
}

export interface Comparison {
  expected: number;
  found: number;
  lost: number;
  doubled: number;
  /** Present but not in the reference, or with other content. */
  wrong: number;
}

export function compare(reference: Map<string, string[]>, actual: Map<string, string[]>): Comparison {
  let lost = 0;
  let doubled = 0;
  let wrong = 0;
  let found = 0;
  for (const [key, [text]] of reference) {
    const got = actual.get(key);
    if (!got) lost += 1;
    else if (got[0] !== text) wrong += 1;
  }
  for (const [key, texts] of actual) {
    found += texts.length;
    doubled += texts.length - 1;
    if (!reference.has(key)) wrong += 1;
  }
  return { expected: reference.size, found, lost, doubled, wrong };
}

export interface RoundResult extends Comparison {
  runs: number;
  stops: string[];
  /** Problems seen on the way: an exit code that was not the contract's, a chunk reported persisted but not checkpointed. */
  problems: string[];
}

const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min));

/** Reads `<out>/.checkpoints/*.json`: source -> next chunk seq (Infinity when done). */
function checkpointed(out: string): Map<string, number> {
  const dir = join(out, '.checkpoints');
  const result = new Map<string, number>();
  if (!existsSync(dir)) return result;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const cp = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { source: string; done: boolean; cursor?: { seq: number } };
    result.set(cp.source, cp.done ? Infinity : (cp.cursor?.seq ?? 0));
  }
  return result;
}

/**
 * After a drained stop (one Ctrl-C or SIGTERM, the run ended by itself) every source's checkpoint
 * is exactly at its last chunk reported persisted. (After a kill -9 or a forced exit it may trail:
 * --resume reads that part again, which the final comparison checks.)
 */
export function checkpointsBehind(result: CliResult, out: string): string[] {
  const cps = checkpointed(out);
  const reported = new Map<string, number>();
  for (const e of parseEvents(result.stdout)) if (e.type === 'chunk') reported.set(e.source, e.seq + 1);
  const problems: string[] = [];
  for (const [source, next] of reported) {
    const cp = cps.get(source);
    if (cp !== next && !(cp === Infinity)) problems.push(`${source}: last chunk reported persisted ends at ${next}, checkpoint at ${cp}`);
  }
  return problems;
}

export async function killResumeRound(options: {
  sources: string;
  out: string;
  sink: Sink;
  reference: Map<string, string[]>;
  kills: number;
  firstKillMs?: [number, number];
}): Promise<RoundResult> {
  const { sources, out, sink } = options;
  const args = (resume: boolean) => ['--sources', sources, '--out', out, '--sink', sink, '--json', ...(resume ? ['--resume'] : [])];
  const problems: string[] = [];
  const stops: string[] = [];
  let runs = 0;
  for (let k = 0; k < options.kills; k++) {
    const cli = startCli(args(runs > 0), { env: { INGEST_TUI_GRACE: '3s' } });
    runs += 1;
    const [min, max] = options.firstKillMs ?? [150, 1500];
    await Promise.race([sleep(random(min, max)), cli.result]);
    const stop = STOPS[random(0, STOPS.length)]!;
    stops.push(stop);
    if (stop === 'SIGINT twice') {
      cli.child.kill('SIGINT');
      await sleep(random(1, 40));
      cli.child.kill('SIGINT');
    } else {
      cli.child.kill(stop);
    }
    const result = await cli.result;
    if (result.code === 0) stops[stops.length - 1] += ' (too late: the run had ended)';
    const expected = stop === 'SIGTERM' ? 143 : stop === 'SIGKILL' ? undefined : 130;
    // Before the signal handlers exist (the first ~100 ms), a signal ends the process the default way.
    const ok = result.code === 0 || (expected === undefined ? result.signal === 'SIGKILL' : result.code === expected || result.signal === stop.split(' ')[0]);
    if (!ok) problems.push(`${stop}: exit ${result.code} ${result.signal ?? ''} ${result.stderr.slice(-300)}`);
    if (/: drained, /.test(result.stderr)) problems.push(...checkpointsBehind(result, out));
  }
  const last = await runCli(args(runs > 0));
  runs += 1;
  if (last.code !== 0) problems.push(`final --resume exited ${last.code}: ${last.stderr.slice(-300)}`);
  return { runs, stops, problems, ...compare(options.reference, readOutput(out, sink)) };
}
