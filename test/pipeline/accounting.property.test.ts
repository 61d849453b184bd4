import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createEventBus, type PipelineEvent } from '../../src/pipeline/events.js';
import { openCheckpoints } from '../../src/pipeline/persistence/checkpoints.js';
import { startPipeline } from '../../src/pipeline/run.js';
import { deadLetterFile } from '../../src/sinks/dead-letter.js';
import { ndjsonSink } from '../../src/sinks/ndjson.js';
import { faultyDeadLetters, faultySink, type Plan, plannedSource } from '../helpers/faults.js';
import { tempDir } from '../helpers/temp.js';

const planArb = fc
  .record({
    chunks: fc.integer({ min: 0, max: 8 }),
    records: fc.integer({ min: 0, max: 4 }),
    delayMs: fc.integer({ min: 0, max: 3 }),
    bad: fc.array(fc.integer({ min: 0, max: 31 }), { maxLength: 4 }),
    failAt: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
    hangAt: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
  })
  .map((p): Plan => p);

const scheduleArb = fc.record({
  plans: fc.array(planArb, { minLength: 1, maxLength: 4 }),
  concurrency: fc.integer({ min: 1, max: 4 }),
  timeoutMs: fc.integer({ min: 5, max: 60 }),
  /** Chunks (source index, seq) whose sink write fails like a full disk, and whose dead letters do. */
  sinkFaults: fc.array(fc.tuple(fc.nat(3), fc.nat(8)), { maxLength: 3 }),
  deadLetterFaults: fc.array(fc.tuple(fc.nat(3), fc.nat(8)), { maxLength: 2 }),
  /** Ctrl-C, a user cancel of one source, or nothing, after this many ms. */
  interrupt: fc.option(fc.record({ afterMs: fc.integer({ min: 0, max: 25 }), what: fc.constantFrom('SIGINT', 'cancel') }), { nil: undefined }),
});

async function runOnce(
  out: string,
  sources: ReturnType<typeof plannedSource>[],
  options: {
    resume: boolean;
    concurrency: number;
    timeoutMs?: number;
    sinkFaults?: Set<string>;
    deadLetterFaults?: Set<string>;
    interrupt?: { afterMs: number; what: string };
  },
) {
  const sink = faultySink(ndjsonSink(out), options.sinkFaults ?? new Set());
  const checkpoints = await openCheckpoints({
    out,
    sink,
    resume: options.resume,
    targets: sources.map((s) => ({ name: s.name, kind: s.kind, fingerprint: 'same' })),
  });
  const bus = createEventBus();
  const events: PipelineEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const deadLetters = faultyDeadLetters(deadLetterFile(out, 'a'), options.deadLetterFaults ?? new Set());
  const run = startPipeline(
    checkpoints.skipDone(sources),
    { concurrency: options.concurrency, timeoutMs: options.timeoutMs, sink, deadLetters, checkpoints, metricsIntervalMs: 1000 },
    bus.emit,
  );
  let timer: NodeJS.Timeout | undefined;
  if (options.interrupt) {
    const { afterMs, what } = options.interrupt;
    timer = setTimeout(() => (what === 'SIGINT' ? run.stop('SIGINT') : run.cancel(sources[0]!.name)), afterMs);
  }
  const summary = await run.done;
  clearTimeout(timer);
  return { summary, events, checkpoints };
}

const fileLines = (out: string, name: string) =>
  existsSync(join(out, `${name}.ndjson`))
    ? readFileSync(join(out, `${name}.ndjson`), 'utf8')
        .split('\n')
        .filter(Boolean)
    : [];

describe('accounting under random fault schedules (fast-check)', () => {
  it('read = persisted + dead-lettered + dropped for every source and the run; files hold what was reported; a resume completes exactly', async () => {
    const root = tempDir();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(scheduleArb, async (schedule) => {
        const out = join(root, `run-${n++}`);
        const sources = schedule.plans.map((plan, i) => plannedSource(`s${i}`, plan));
        const keys = (pairs: Array<[number, number]>) => new Set(pairs.map(([i, seq]) => `s${i}/${seq}`));
        const first = await runOnce(out, sources, {
          resume: false,
          concurrency: schedule.concurrency,
          timeoutMs: schedule.timeoutMs,
          sinkFaults: keys(schedule.sinkFaults),
          deadLetterFaults: keys(schedule.deadLetterFaults),
          interrupt: schedule.interrupt,
        });

        const { summary } = first;
        assert.equal(summary.records, summary.persisted + summary.deadLettered + summary.dropped);
        for (const s of summary.sources) {
          assert.ok(s.persisted >= 0 && s.deadLettered >= 0 && s.dropped >= 0, JSON.stringify(s));
          assert.equal(s.records, s.persisted + s.deadLettered + s.dropped, JSON.stringify(s));
          assert.notEqual(s.state, 'queued');
          assert.notEqual(s.state, 'running');
          // What the run reported persisted is in the file, and the checkpoint is right behind it.
          assert.equal(fileLines(out, s.name).length, s.persisted, `${s.name} file`);
          const chunkEvents = first.events.filter((e) => e.type === 'chunk' && e.source === s.name).length;
          assert.equal(first.checkpoints.current(s.name)?.cursor?.seq ?? 0, chunkEvents, `${s.name} checkpoint`);
        }
        const totals = { records: 0, persisted: 0, deadLettered: 0, dropped: 0 };
        for (const s of summary.sources) for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += s[k];
        assert.deepEqual(totals, { records: summary.records, persisted: summary.persisted, deadLettered: summary.deadLettered, dropped: summary.dropped });

        // Resume with the faults gone: every good record exactly once, every bad one dead-lettered once.
        const healthy = schedule.plans.map((plan, i) => plannedSource(`s${i}`, { ...plan, failAt: undefined, hangAt: undefined }));
        const second = await runOnce(out, healthy, { resume: true, concurrency: 4 });
        assert.equal(second.summary.states.done, healthy.length);
        const deadLetters = existsSync(join(out, 'dead-letter.ndjson'))
          ? readFileSync(join(out, 'dead-letter.ndjson'), 'utf8')
              .split('\n')
              .filter(Boolean)
              .map((l) => JSON.parse(l))
          : [];
        schedule.plans.forEach((plan, i) => {
          const expected: string[] = [];
          const expectedBad: string[] = [];
          for (let seq = 0; seq < plan.chunks; seq++) {
            for (let index = 0; index < plan.records; index++) (plan.bad.includes(seq * plan.records + index) ? expectedBad : expected).push(`${seq}/${index}`);
          }
          const got = fileLines(out, `s${i}`)
            .map((l) => JSON.parse(l) as { seq: number; index: number })
            .map((r) => `${r.seq}/${r.index}`);
          assert.deepEqual(got, expected, `s${i} records`);
          const gotBad = deadLetters
            .filter((d) => d.source === `s${i}`)
            .map((d) => `${d.seq}/${d.index}`)
            .sort();
          assert.deepEqual(gotBad, expectedBad.sort(), `s${i} dead letters`);
        });
      }),
      { numRuns: 40 },
    );
  });
});
