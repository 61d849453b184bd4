import { z } from 'zod';
import { LESSON_FOCUS, type PipelineEvent, SOURCE_STATES } from '../../pipeline/events.js';
import type { ControlAnswer, ControlRequest } from '../../ui/dashboard/controls.js';
import type { Snapshot } from '../../ui/model/store.js';

/**
 * The control socket's protocol (`--control`, `ingest-tui attach`): NDJSON, one message a line,
 * over a local Unix socket. Version 1:
 *
 *   run → viewer   {"type":"hello","protocol":1,"version":"0.1.0","pid":123}   first, once
 *                  {"type":"state","snapshot":{…}}                             second, once: where the run is now
 *                  {"type":"event","event":{…}}                                each PipelineEvent from then on (what --json prints)
 *                  {"type":"answer","id":7,"answer":{…}}                       what came of that viewer's request 7
 *                  {"type":"bye","reason":"…"}                                 last: the run is leaving, or this viewer is dropped
 *   viewer → run   {"type":"control","id":7,"request":{"op":"setConcurrency","concurrency":5}}
 *
 * Every line is bounded in size and validated here before use, on both ends: the socket is the
 * user's own, but what comes through it is treated like any other untrusted input. Unknown fields
 * are dropped (a newer run may add some); a message of an unknown type, or a different protocol
 * number, is refused. Texts are shown only through the dashboard, which sanitises them.
 */
export const PROTOCOL = 1;

/** A viewer's line: a request is a few dozen bytes, a source name at most a few hundred. */
export const MAX_VIEWER_LINE = 4096;
/**
 * A run's line: the state at join and run-start list every source (~100 bytes each), so this
 * bounds the sources a viewer can follow (~600,000); past it the viewer leaves with a message.
 */
export const MAX_RUN_LINE = 64 * 1024 * 1024;

const count = z.number().finite().min(0);
const time = z.number().finite();
const text = z.string().max(100_000);
const name = z.string().max(10_000);
const state = z.enum(SOURCE_STATES as [(typeof SOURCE_STATES)[number], ...(typeof SOURCE_STATES)[number][]]);
const expected = z.object({ chunks: count.optional(), bytes: count.optional() }).optional();

const lesson = z.object({
  title: text,
  js: text,
  asyncio: text,
  takeaway: text,
  code: z.object({ js: z.array(text).max(1000), asyncio: z.array(text).max(1000) }).optional(),
  view: z.enum(['rows', 'timeline', 'lesson']).optional(),
  pauseAt: z
    .array(z.object({ at: z.enum(['deadline', 'start', 'end']), source: name.optional(), caption: text }))
    .max(100)
    .optional(),
  focus: z.enum(LESSON_FOCUS as [(typeof LESSON_FOCUS)[number], ...(typeof LESSON_FOCUS)[number][]]).optional(),
  points: z
    .array(z.object({ file: text, find: text, lines: count.optional() }))
    .max(100)
    .optional(),
  contrast: z.object({ flags: z.array(text).max(100), main: text, label: text }).optional(),
  twin: z.object({ program: text, recorded: z.array(text).max(10_000) }).optional(),
});

const counts = { chunks: count, records: count, bytes: count, persisted: count, deadLettered: count, dropped: count };
const sourceResult = z.object({ name, state, ms: count, error: text.optional(), ...counts });
const marks = z.object({
  connecting: time.optional(),
  open: time.optional(),
  closing: time.optional(),
  closed: time.optional(),
  cleaning: time.optional(),
  cleaned: time.optional(),
});
const intervals = z.array(time).max(10_000);
const stateCounts = z.object(Object.fromEntries(SOURCE_STATES.map((s) => [s, count])) as Record<(typeof SOURCE_STATES)[number], typeof count>);

const fleetInfo = z.object({ run: name, worker: name });
const fleetTotals = z.object({
  sources: count,
  states: z.record(name, count),
  persisted: count,
  deadLettered: count,
  workers: z.array(z.object({ worker: name, holding: count, finished: count, persisted: count })).max(100_000),
});

const summaryFields = {
  wallMs: count,
  busyMs: count,
  speedup: count,
  concurrency: count,
  states: stateCounts,
  records: count,
  bytes: count,
  persisted: count,
  deadLettered: count,
  dropped: count,
  retries: count,
  baselineRssBytes: count,
  peakRssBytes: count,
  maxLoopLagMs: count,
  stoppedBy: name.optional(),
  sources: z.array(sourceResult),
  sourcesOmitted: count.optional(),
  fleet: fleetInfo.extend({ totals: fleetTotals }).optional(),
};
const summary = z.object(summaryFields);

const contrastResult = z.object({
  wallMs: count,
  lanes: z.array(
    z.object({
      name,
      kind: name,
      state,
      startedAt: time.optional(),
      endedAt: time.optional(),
      ms: count,
      held: intervals.optional(),
      marks: marks.optional(),
    }),
  ),
  held: intervals,
  maxLagMs: count,
  peakRssBytes: count,
  baselineRssBytes: count.optional(),
});

const metricsFields = {
  rss: count,
  heapUsed: count,
  loopLagP99Ms: count,
  loopLagMaxMs: count,
  progress: z.number().min(0).max(1).optional(),
  etaMs: count.optional(),
};

const at = <K extends string, T extends z.ZodRawShape>(type: K, shape: T) => z.object({ type: z.literal(type), t: count, ...shape });

const event = z.discriminatedUnion('type', [
  at('run-start', {
    concurrency: count,
    sink: name,
    out: text.optional(),
    sources: z.array(z.object({ name, kind: name, expected })),
    lesson: lesson.optional(),
    baselineRssBytes: count.optional(),
    slowmo: count.optional(),
    bufferAll: z.literal(true).optional(),
    deadlineMs: count.optional(),
    version: name.optional(),
    schemaVersion: count.optional(),
    startedAt: name.optional(),
    clockHeld: z.literal(true).optional(),
    control: text.optional(),
    fleet: fleetInfo.optional(),
  }),
  at('clock-start', {}),
  at('source-start', { source: name, kind: name.optional(), expected, takenFrom: name.optional() }),
  at('chunk', { source: name, seq: count, records: count, bytes: count, persisted: count, deadLettered: count }),
  at('retry', { source: name, attempt: count, delayMs: count, reason: text }),
  at('note', { source: name, text }),
  at('cancelling', { source: name, reason: text }),
  at('blocking', { source: name, ms: count }),
  at('dead-letter', { source: name, seq: count, index: count, reason: text }),
  at('source-end', { source: name, state, ms: count, error: text.optional(), ...counts }),
  at('metrics', { ...metricsFields }),
  at('fleet', { totals: fleetTotals }),
  at('concurrency', { concurrency: count }),
  at('paused', { paused: z.boolean(), caption: text.optional() }),
  at('stopping', { reason: text, force: z.literal(true).optional() }),
  at('contrast', { state: z.enum(['running', 'done', 'stopped']), label: text, result: contrastResult.optional() }),
  at('summary', summaryFields),
]);

const sourceView = z.object({
  name,
  kind: name,
  expected,
  state,
  ms: count,
  error: text.optional(),
  ...counts,
  startedAt: time.optional(),
  endedAt: time.optional(),
  retries: count,
  lastNote: text.optional(),
  cancellingAt: time.optional(),
  cancelReason: text.optional(),
  held: intervals.optional(),
  marks: marks.optional(),
});

const history = z.array(count).max(10_000).readonly();
const snapshot = z.object({
  version: count,
  t: count,
  startedAtEpochMs: time,
  concurrency: count,
  paused: z.boolean(),
  contrast: z.object({ state: z.enum(['running', 'done', 'stopped']), label: text, result: contrastResult.optional() }).optional(),
  starting: z.boolean().optional(),
  pauseCaption: text.optional(),
  stopping: text.optional(),
  stoppingAt: time.optional(),
  fleet: fleetInfo.extend({ totals: fleetTotals.optional() }).optional(),
  sink: name,
  lesson: lesson.optional(),
  sources: z.array(sourceView).readonly(),
  counts: stateCounts,
  records: count,
  bytes: count,
  persisted: count,
  deadLettered: count,
  retries: count,
  finishedBusyMs: count,
  metrics: z.object(metricsFields).optional(),
  baselineRss: count.optional(),
  peakRss: count.optional(),
  rssHistory: history,
  lagHistory: history,
  historyStep: count,
  notes: z
    .array(z.object({ t: time, source: name, text }))
    .max(1000)
    .readonly(),
  slowmo: count,
  bufferAll: z.boolean().optional(),
  deadlineMs: count.optional(),
  maxLagMs: count,
  peakRunning: count,
  peakRunningAt: time.optional(),
  held: intervals.readonly(),
  heldMs: count,
  summary: summary.optional(),
});

const stopKind = z.enum(['quit', 'SIGINT']);
const request = z.discriminatedUnion('op', [
  z.object({ op: z.literal('stop'), kind: stopKind }),
  z.object({ op: z.literal('cancel'), source: name }),
  z.object({ op: z.literal('setConcurrency'), concurrency: z.number().int().min(1).max(1_000_000) }),
  z.object({ op: z.literal('setPaused'), paused: z.boolean() }),
  z.object({ op: z.literal('step') }),
]);
const refusal = ['no-run', 'not-offered', 'over'] as const;
const answer = z.discriminatedUnion('op', [
  z.object({ op: z.literal('stop'), kind: stopKind, outcome: z.enum(['stopping', ...refusal]) }),
  z.object({ op: z.literal('cancel'), source: name, outcome: z.enum(['cancelled', 'not-running', ...refusal]) }),
  z.object({ op: z.literal('setConcurrency'), concurrency: count, outcome: z.enum(['done', ...refusal]) }),
  z.object({ op: z.literal('setPaused'), paused: z.boolean(), outcome: z.enum(['done', ...refusal]) }),
  z.object({ op: z.literal('step'), outcome: z.enum(['done', ...refusal]) }),
]);

const id = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const runMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), protocol: z.number().int(), version: name, pid: count }),
  z.object({ type: z.literal('state'), snapshot }),
  z.object({ type: z.literal('event'), event }),
  z.object({ type: z.literal('answer'), id, answer }),
  z.object({ type: z.literal('bye'), reason: text }),
]);

export const viewerMessage = z.discriminatedUnion('type', [z.object({ type: z.literal('control'), id, request })]);

export type RunMessage =
  | { type: 'hello'; protocol: number; version: string; pid: number }
  | { type: 'state'; snapshot: Snapshot }
  | { type: 'event'; event: PipelineEvent }
  | { type: 'answer'; id: number; answer: ControlAnswer }
  | { type: 'bye'; reason: string };
export type ViewerMessage = { type: 'control'; id: number; request: ControlRequest };

// What the schemas accept is what the types say: a field added to one and not the other fails
// here, optional ones included (every field made required, all the way down, before comparing).
type Deep<T> = T extends readonly (infer U)[] ? Deep<U>[] : T extends object ? { [K in keyof T]-?: Deep<Exclude<T[K], undefined>> } : T;
type Same<A, B> = [Deep<A>] extends [Deep<B>] ? ([Deep<B>] extends [Deep<A>] ? true : false) : false;
const checks: [
  Same<z.output<typeof event>, PipelineEvent>,
  Same<z.output<typeof snapshot>, Snapshot>,
  Same<z.output<typeof request>, ControlRequest>,
  Same<z.output<typeof answer>, ControlAnswer>,
] = [true, true, true, true];
void checks;

/** One line, parsed and validated; a message saying what is wrong with it otherwise. */
export function parseLine<T>(schema: z.ZodType<T>, line: string): { ok: true; value: T } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, error: `${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'invalid'}` };
}

/**
 * Splits a socket's bytes into lines, none longer than `max` bytes: a longer one is an error
 * (`onTooLong`) rather than memory. Returns the function to feed it data with.
 */
export function lineReader(max: number, onLine: (line: string) => void, onTooLong: () => void) {
  let parts: Buffer[] = [];
  let size = 0;
  let failed = false;
  return (data: Buffer) => {
    if (failed) return;
    let from = 0;
    for (let nl = data.indexOf(10, from); nl !== -1; nl = data.indexOf(10, from)) {
      const piece = data.subarray(from, nl);
      if (size + piece.length > max) {
        failed = true;
        return onTooLong();
      }
      const line = parts.length === 0 ? piece.toString('utf8') : Buffer.concat([...parts, piece]).toString('utf8');
      parts = [];
      size = 0;
      from = nl + 1;
      if (line.trim() !== '') onLine(line);
      if (failed) return;
    }
    const rest = data.subarray(from);
    if (size + rest.length > max) {
      failed = true;
      return onTooLong();
    }
    if (rest.length > 0) {
      parts.push(Buffer.from(rest));
      size += rest.length;
    }
  };
}
