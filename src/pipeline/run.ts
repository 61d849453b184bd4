import { describeError, IngestError } from '../errors.js';
import type { DeadLetters } from '../sinks/dead-letter.js';
import type { Sink } from '../sinks/sink.js';
import type { Chunk, Cursor, Source } from '../sources/source.js';
import { type CancelKind, CancelReason, timeoutReason } from '../util/cancel-reasons.js';
import { Clock } from '../util/clock.js';
import { onAbort, untilAborted, WakingAbortController } from '../util/wait-list.js';
import {
  type Emit,
  EVENTS_SCHEMA_VERSION,
  type FleetTotals,
  type Lesson,
  type SourceResult,
  type SourceState,
  SUMMARY_SOURCES_MAX,
  type Summary,
} from './events.js';
import { startMetrics } from './metrics.js';
import { OrderedWrites } from './ordered-writes.js';
import { createPauseGate } from './pause-gate.js';
import { type PausePoint, pauseDecider } from './pause-points.js';
import { RunProgress } from './progress.js';
import { arrayFeed, Lanes } from './scheduler.js';
import type { SourceFeed } from './source-feed.js';
import { SourceTable } from './source-table.js';
import { type Transformed, type TransformFn, transformRecords } from './transform.js';

/** Where each source stands in persisted data; the persistence layer implements it for --resume. */
export interface Checkpoints {
  resumeFrom(source: string): Cursor | undefined;
  /** Called once the sink has persisted a chunk: the source's checkpoint may move past it. */
  persisted(source: string, cursor: Cursor): Promise<void>;
  /**
   * Called when a source has ended and its output is closed; a 'done' source need not run again.
   * `stop`: who cancelled it, when it was cancelled (a fleet hands a source stopped by Ctrl-C on to
   * another worker, and finishes one the user cancelled); `error`: why it failed.
   */
  finished?(source: string, state: SourceState, how?: { stop?: CancelKind; error?: string }): Promise<void>;
}

export interface RunOptions {
  concurrency: number;
  /** Per-source timeout for sources that set none of their own. */
  timeoutMs?: number;
  /** Whole-run deadline: sources still queued or running then are cancelled. */
  deadlineMs?: number;
  sink: Sink;
  deadLetters: DeadLetters;
  out?: string;
  transform?: TransformFn;
  checkpoints?: Checkpoints;
  metricsIntervalMs?: number;
  /** The anti-pattern, for contrast: read each source to the end before persisting anything. */
  bufferAll?: boolean;
  /** What this run teaches (a lecture scenario's ingest.json); announced in run-start. */
  lesson?: Lesson;
  /** The tool's version, for run-start. */
  version?: string;
  /** Pause by itself at these moments (a lesson's pauseAt; only when someone can resume it). */
  pauseAt?: PausePoint[];
  /** --slowmo, announced in run-start so a view can show lecture time (the run's time / slowmo). */
  slowmo?: number;
  /**
   * With an asynchronous transform (--offload) or a write-behind sink, how many of a source's
   * chunks may be in the workers or waiting to be written while it reads on. They are still written in order. Many
   * sources share 8 times that: 10,000 of them each hold one chunk out, not eight.
   */
  transformAhead?: number;
  /**
   * The run's clock stands still from the start until this settles (or HOLD_BOUND_MS after
   * run-start, so a stuck dashboard never holds a run): the dashboard's first frame with the
   * sources, so that the class sees 01-gather's three fetches start, not half over. Sources are
   * started meanwhile but wait at a start line before their first pull, as asyncio.gather's tasks
   * do before the loop runs them; no simulated wait, timeout or deadline runs out; run time stays
   * at 0 (events carry it) and `clock-start` says when it began to run.
   */
  holdUntil?: Promise<void>;
  /** Overrides HOLD_BOUND_MS (tests). */
  holdBoundMs?: number;
}

/** The longest holdUntil may hold a run's clock. */
const HOLD_BOUND_MS = 2000;

export interface PipelineRun {
  /** Resolves with the summary once every source has ended and the sinks are closed. */
  done: Promise<Summary>;
  /** Cancel one running source: by the user, or (a fleet) because another worker holds it now. */
  cancel(source: string, kind?: 'user' | 'lease'): boolean;
  setConcurrency(concurrency: number): void;
  setPaused(paused: boolean): void;
  /** Paused: run on until the next thing a source does, then pause again. Running: pause. */
  step(): void;
  /** Stop the whole run: running sources are aborted with this reason, queued ones never start. */
  stop(kind: CancelKind): void;
}

/**
 * Runs the sources, `concurrency` at a time: an array (listed in run-start), or a feed that hands
 * them out as lanes free (a fleet's database claims; run-start then lists none).
 */
export function startPipeline(input: Source[] | SourceFeed, options: RunOptions, emitEvent: Emit): PipelineRun {
  const sources = Array.isArray(input) ? input : undefined;
  const feed: SourceFeed = sources ? arrayFeed(sources) : (input as SourceFeed);
  let startedAt = performance.now();
  /** Time the run stood paused, in all, and since when it stands: run time leaves it out. */
  let pausedMs = 0;
  let pausedSince: number | undefined;
  /** Until holdUntil settles, run time stands at 0 (its start moves to when it settled). */
  let holdingStart = options.holdUntil !== undefined;
  const runTime = () => (holdingStart ? 0 : (pausedSince ?? performance.now()) - startedAt - pausedMs);
  // Events carry run time: a lecture paused for a minute still shows its deadline at 1.2 s, and
  // a recording of it replays without the minute.
  const now = () => Math.round(runTime());
  const root = new AbortController();
  // One listener on the root for the whole run, not one per source: nothing to leak or remove.
  const running = new Map<string, AbortController>();
  root.signal.addEventListener(
    'abort',
    () => {
      for (const controller of running.values()) controller.abort(root.signal.reason);
    },
    { once: true },
  );
  const progress = new RunProgress(sources ?? []);
  const gate = createPauseGate();
  // Simulated time, timeouts and the deadline run on the run's own clock, which can stand still.
  const clock = new Clock();
  const releaseStartHold = holdingStart ? clock.hold() : undefined;
  // Real I/O (a file, HTTP) does not wait on the clock: until the first frame its sources wait at
  // the start line, so none is done before the class has seen it start.
  let openStartLine = () => {};
  const startLine = holdingStart ? new Promise<void>((resolve) => (openStartLine = resolve)) : undefined;
  let releasePause: (() => void) | undefined;
  const pauses = pauseDecider(options.pauseAt);
  /** Every event goes out through here: after it, the run may pause at a key moment or a step's end. */
  const emit: Emit = (event) => {
    emitEvent(event);
    if (event.type === 'paused' || event.type === 'metrics') return;
    const caption = pauses.after(event);
    if (caption !== undefined) setPaused(true, caption);
  };
  const transform = options.transform ?? transformRecords;
  // A sink whose write is a round trip (a database's commit) is written behind the reads.
  const writeBehind = options.sink.writeBehind === true;
  // Behind a commit, 4 chunks out made transactions of 2 chunks (1,000 records), each paying its
  // round trips and fsync; 16 let a source fill the next transaction while one commits (the
  // postgres-sink bench: 506 transactions → 128).
  const transformAhead = Math.max(1, options.transformAhead ?? (writeBehind ? 16 : 4));
  // Shared by as many sources as may run at once, not as many as have started so far: the first
  // of 40 starting together must not take the whole window before the others are there.
  // A write-behind sink keeps at least the chunk being committed out while the next is read: a
  // room of 1 would make each source wait for its own commit (100 sources at 100 ms a chunk lost
  // a third of their pace to a 30 ms commit).
  const leastAhead = writeBehind ? 2 : 1;
  const aheadFor = (sources: number) => Math.max(leastAhead, Math.min(transformAhead, Math.floor((8 * transformAhead) / Math.max(1, sources))));
  // A queued source costs nothing here (the feed holds it); a finished one is a row of numbers.
  const table = new SourceTable(feed.size);
  const newResult = (name: string): SourceResult => ({
    name,
    state: 'queued',
    chunks: 0,
    records: 0,
    bytes: 0,
    persisted: 0,
    deadLettered: 0,
    dropped: 0,
    ms: 0,
  });
  /** Controllers of sources that ended cleanly, for the next ones (see WakingAbortController.reusable). */
  const spareControllers: WakingAbortController[] = [];
  let lanes: Lanes<Source> | undefined;
  let concurrency = Math.max(1, Math.floor(options.concurrency));
  let retries = 0;

  const stop = (kind: CancelKind) => {
    // Cleanups run on the clock: a stop never waits on a paused one (a lesson may pause it again
    // at this very moment, below, to show the cancellation landing).
    setPaused(false);
    if (root.signal.aborted) {
      // A second Ctrl-C (or SIGTERM) while draining: the CLI leaves at once on this event.
      if (kind === 'SIGINT' || kind === 'SIGTERM') emit({ type: 'stopping', t: now(), reason: kind, force: true });
      return;
    }
    emit({ type: 'stopping', t: now(), reason: kind });
    root.abort(new CancelReason(kind));
  };

  function setPaused(paused: boolean, caption?: string) {
    if (paused === gate.paused) return;
    gate.set(paused);
    // Time stops too: a paused lecture does not let its deadline or timeouts run out meanwhile.
    if (paused) {
      releasePause = clock.hold();
      pausedSince = performance.now();
    } else {
      releasePause?.();
      if (!holdingStart) pausedMs += performance.now() - pausedSince!; // run time stood at 0 anyway
      pausedSince = undefined;
    }
    emit({ type: 'paused', t: now(), paused, ...(caption === undefined ? {} : { caption }) });
  }

  const write = (source: Source, chunk: Chunk, { lines, bad }: Transformed) =>
    options.sink.write(source.name, { seq: chunk.seq, lines, rejected: bad, cursor: chunk.cursor });

  /**
   * Write one transformed chunk, then report it. This runs once per chunk for every source (a
   * million times in a 100,000-source run), so it awaits only what is really asynchronous: most
   * chunks have no bad records and no checkpoint. `written`: the sink's write, when it was handed
   * the chunk already (write-behind).
   */
  async function persist(source: Source, chunk: Chunk, transformed: Transformed, result: SourceResult, written?: Promise<void>) {
    const { seq } = chunk;
    const { lines, bad } = transformed;
    try {
      await (written ?? write(source, chunk, transformed));
      result.persisted += lines.length;
      if (bad.length > 0) await options.deadLetters.write(source.name, seq, bad);
      result.deadLettered += bad.length;
    } catch (cause) {
      // What was not written counts as dropped when the source ends.
      throw new IngestError('E_SINK', `cannot persist chunk ${seq}: ${describeError(cause)}`, { cause });
    }
    for (const b of bad) emit({ type: 'dead-letter', t: now(), source: source.name, seq, index: b.index, reason: b.reason });
    if (options.checkpoints) await options.checkpoints.persisted(source.name, chunk.cursor);
    emit({
      type: 'chunk',
      t: now(),
      source: source.name,
      seq,
      records: chunk.records.length,
      bytes: chunk.bytes,
      persisted: lines.length,
      deadLettered: bad.length,
    });
  }

  /**
   * Persists the chunk in its turn, through the source's ordered-writes window: it is in the
   * worker pool (--offload), or the sink writes behind and is handed it now, in order, so that it
   * can commit several together. Returns what to wait for before reading on (see OrderedWrites).
   */
  function persistAhead(
    writes: OrderedWrites<Transformed>,
    source: Source,
    chunk: Chunk,
    transformed: Transformed | Promise<Transformed>,
    result: SourceResult,
  ) {
    const written = transformed instanceof Promise ? undefined : write(source, chunk, transformed);
    written?.catch(() => {}); // awaited in its turn; not unhandled while it waits
    return writes.add(
      transformed,
      (ready) => persist(source, chunk, ready, result, written),
      aheadFor(Math.max(running.size, Math.min(concurrency, feed.size ?? concurrency))),
    );
  }

  /** A chunk's records go through the transform; a synchronous one held the loop meanwhile. */
  function transformChunk(source: Source, chunk: Chunk) {
    const heldFrom = now(); // run time, as every event's t
    const began = performance.now();
    const transformed = transform({ source: source.name, seq: chunk.seq, records: chunk.records, cpuCostMs: source.cpuCostMs });
    if (!(transformed instanceof Promise)) {
      // Said when it is the lesson (a cpuCost) or long enough to show; a pool's (--offload) work
      // is off the loop and says nothing.
      const held = performance.now() - began;
      if (source.cpuCostMs || held >= BLOCKING_SHOWN_MS) emit({ type: 'blocking', t: heldFrom, source: source.name, ms: Math.round(held) });
    }
    return transformed;
  }

  function readChunks(source: Source, signal: AbortSignal, timeoutMs: number | undefined, wallStart: number) {
    const read = source.read({
      signal,
      resumeFrom: options.checkpoints?.resumeFrom(source.name),
      note: (text) => emit({ type: 'note', t: now(), source: source.name, text }),
      retry: (attempt, delayMs, reason) => {
        retries += 1;
        emit({ type: 'retry', t: now(), source: source.name, attempt, delayMs, reason });
      },
      timeoutAt: timeoutMs === undefined ? undefined : wallStart + timeoutMs, // wall time: what real I/O waits on
    });
    return options.bufferAll ? readToEnd(read) : read;
  }

  /**
   * Where a source stops between two chunks. A cancel lands here: what is read is persisted, and
   * a source cancelled while it sat at its yield hears it there, as asyncio's task hears
   * CancelledError at its await. A pause holds it here, before its next pull.
   */
  async function stopOrPauseAtYield(chunks: AsyncGenerator<Chunk>, signal: AbortSignal) {
    if (signal.aborted) await cancelAtYield(chunks, signal.reason);
    await gate.wait(signal).catch((reason: unknown) => cancelAtYield(chunks, reason));
  }

  async function runSource(source: Source, index: number) {
    const result = newResult(source.name);
    if (root.signal.aborted) return end(source, result, index, 'cancelled', root.signal.reason);
    const controller = spareControllers.pop() ?? new WakingAbortController(clock);
    const { signal } = controller;
    running.set(source.name, controller);
    const timeoutMs = source.timeoutMs ?? options.timeoutMs;
    const clearTimer = timeoutMs === undefined ? undefined : clock.after(timeoutMs, () => controller.abort(timeoutReason(timeoutMs)));
    const t0 = runTime();
    const wallStart = performance.now();
    result.state = 'running';
    emitSourceStart(source);
    // When the cancel or timeout lands: from here the source cleans up. A waiter on the signal's
    // own list (no listener, nothing allocated but it), so 10,000 sources stopping at once cost
    // 10,000 small events and nothing to remove but a link.
    const offCancelling = onAbort(signal, () => emit({ type: 'cancelling', t: now(), source: source.name, reason: reasonOf(signal.reason) }));

    let state: SourceState = 'done';
    let error: unknown;
    /** Only once a chunk goes to the worker pool or a write-behind sink. */
    let writes: OrderedWrites<Transformed> | undefined;
    try {
      if (holdingStart) await Promise.race([startLine, untilAborted(signal)]);
      if (gate.paused) await gate.wait(signal);
      const chunks = readChunks(source, signal, timeoutMs, wallStart);
      for await (const chunk of chunks) {
        result.chunks += 1;
        result.records += chunk.records.length;
        result.bytes += chunk.bytes;
        progress.read(source, result, { chunks: 1, bytes: chunk.bytes });
        const transformed = transformChunk(source, chunk);
        if (transformed instanceof Promise || writeBehind) {
          writes ??= new OrderedWrites();
          const oldest = persistAhead(writes, source, chunk, transformed, result);
          if (oldest) await oldest; // the window is full
        } else await persist(source, chunk, transformed, result);
        if (controller.aborted || gate.paused) await stopOrPauseAtYield(chunks, signal);
      }
      if (writes) await writes.drained();
    } catch (err) {
      // Chunks read before the source failed or was stopped are persisted all the same; the
      // source's own error is the one it reports. Its `finally` has run by now.
      if (writes) await writes.settled();
      error = signal.aborted ? signal.reason : err; // cancelled or timed out: the signal says why
      state = stateAfter(error, signal.aborted);
    } finally {
      clearTimer?.();
      offCancelling();
      running.delete(source.name);
      result.ms = Math.round(runTime() - t0);
      // For the next source, when one may come and nothing of this one's is left on it.
      if (spareControllers.length < concurrency && (lanes?.taken ?? 0) < (feed.size ?? Infinity) && controller.reusable) spareControllers.push(controller);
    }
    await finishSource(source, result, index, state, error);
  }

  /** A source run-start did not list (a fleet's claim) says what kind it is, and whom it was taken from. */
  function emitSourceStart(source: Source) {
    if (sources) return emit({ type: 'source-start', t: now(), source: source.name });
    const takenFrom = feed.takenFrom?.(source.name);
    emit({
      type: 'source-start',
      t: now(),
      source: source.name,
      kind: source.kind,
      ...(source.expected ? { expected: source.expected } : {}),
      ...(takenFrom ? { takenFrom } : {}),
    });
  }

  /** Its output closed and its checkpoint told; a source that was done but cannot close them failed. */
  async function finishSource(source: Source, result: SourceResult, index: number, state: SourceState, error: unknown) {
    try {
      await options.sink.endSource(source.name);
    } catch (cause) {
      if (state === 'done') {
        state = 'failed';
        error = new IngestError('E_SINK', `cannot close output: ${describeError(cause)}`, { cause });
      }
    }
    try {
      const how = { stop: error instanceof CancelReason ? error.kind : undefined, error: error === undefined ? undefined : describeError(error) };
      await options.checkpoints?.finished?.(source.name, state, how);
    } catch (cause) {
      if (state === 'done') {
        state = 'failed';
        error = cause;
      }
    }
    end(source, result, index, state, error);
  }

  function end(source: Source, result: SourceResult, index: number, state: SourceState, error: unknown) {
    progress.ended(source, result);
    result.state = state;
    result.dropped = result.records - result.persisted - result.deadLettered;
    if (error !== undefined) result.error = describeError(error);
    table.set(index, result);
    // Spelled out, in the result's order (a rest-and-spread here cost ~2 µs a source at a million).
    const { name, chunks, records, bytes, persisted, deadLettered, dropped, ms } = result;
    const event = { type: 'source-end' as const, t: now(), source: name, state, chunks, records, bytes, persisted, deadLettered, dropped, ms };
    emit(result.error === undefined ? event : { ...event, error: result.error });
  }

  /**
   * A fleet's totals, read from the database every FLEET_TOTALS_MS while the run lasts (one read
   * at a time; a read that fails says nothing: the server may be back for the next), and once more
   * at the end for the summary.
   */
  function reportFleetTotals(read: () => Promise<FleetTotals>) {
    let reading: Promise<unknown> | undefined;
    const look = () => {
      reading ??= read()
        .then((totals) => emit({ type: 'fleet', t: now(), totals }))
        .catch(() => {})
        .finally(() => (reading = undefined));
    };
    look();
    const timer = setInterval(look, FLEET_TOTALS_MS);
    timer.unref();
    return {
      async last(): Promise<FleetTotals | undefined> {
        clearInterval(timer);
        await reading;
        return read().catch(() => undefined);
      },
    };
  }

  /** Once the dashboard has shown the sources (or after the bound): the run's time begins. */
  function startTheClock() {
    let timer: NodeJS.Timeout | undefined;
    const release = () => {
      clearTimeout(timer);
      if (!holdingStart) return;
      holdingStart = false;
      startedAt = performance.now();
      if (pausedSince !== undefined) pausedSince = startedAt; // p during the hold: paused from 0
      releaseStartHold?.();
      openStartLine();
      emit({ type: 'clock-start', t: now() });
    };
    timer = setTimeout(release, options.holdBoundMs ?? HOLD_BOUND_MS);
    void options.holdUntil!.then(release, release);
  }

  // Not inline in run(): its suspended frame would keep this list of every source alive.
  function emitRunStart(baselineRssBytes: number) {
    emit({
      type: 'run-start',
      t: now(),
      ...(options.version ? { version: options.version } : {}),
      schemaVersion: EVENTS_SCHEMA_VERSION,
      startedAt: new Date(Date.now() - now()).toISOString(),
      concurrency: options.concurrency,
      sink: options.sink.kind,
      out: options.out,
      sources: (sources ?? []).map((s) => ({ name: s.name, kind: s.kind, ...(s.expected ? { expected: s.expected } : {}) })),
      ...(options.lesson ? { lesson: options.lesson } : {}),
      ...(options.slowmo !== undefined && options.slowmo !== 1 ? { slowmo: options.slowmo } : {}),
      ...(options.bufferAll ? { bufferAll: true as const } : {}),
      ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
      ...(holdingStart ? { clockHeld: true as const } : {}),
      ...(feed.fleet ? { fleet: feed.fleet } : {}),
      baselineRssBytes,
    });
  }

  async function run(): Promise<Summary> {
    try {
      await options.sink.open();
    } catch (cause) {
      if (cause instanceof IngestError) throw cause; // e.g. --sink sqlite with no SQLite library on this Node
      throw new IngestError('E_OUT_DIR', `--out ${options.out ?? ''}: cannot write there (${describeError(cause)})`, { cause });
    }
    // Started first so run-start carries its RSS baseline: views divide the growth by the sources.
    const metrics = startMetrics(emit, now, options.metricsIntervalMs, () => progress.estimate(runTime(), options.deadlineMs));
    emitRunStart(metrics.baselineRssBytes);
    const fleetTotals = feed.runTotals && reportFleetTotals(feed.runTotals.bind(feed));
    if (holdingStart) startTheClock();
    const clearDeadline = options.deadlineMs === undefined ? undefined : clock.after(options.deadlineMs, () => stop('deadline'));
    try {
      // With room for every source at once there is nothing to limit: like asyncio.gather, which
      // creates every task before any runs on, all of them start before the first simulated wait
      // ends, however long starting 10,000 takes on a busy machine (the clock is held meanwhile).
      const unlimited = feed.size !== undefined && feed.size <= concurrency;
      let releaseStart = unlimited ? clock.hold() : undefined;
      const release = () => {
        releaseStart?.();
        releaseStart = undefined;
      };
      // Lanes pull the next source as one frees: a queued source is not a promise and a closure.
      lanes = new Lanes({ feed, run: runSource, concurrency, signal: root.signal, started: release });
      try {
        await lanes.start();
      } finally {
        release();
      }
      await lanes.done;
    } finally {
      clearDeadline?.();
    }
    // Before the outputs close: a fleet's database goes with its sink.
    const fleet = feed.fleet && (await fleetTotals?.last());
    // Every path closes every output; the first failure is reported after all had their chance.
    const closing = await Promise.allSettled([options.sink.flush().then(() => options.sink.close()), options.deadLetters.close()]);
    const totals = metrics.stop();
    const failed = closing.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw new IngestError('E_SINK', `cannot close outputs: ${describeError(failed.reason)}`, { cause: failed.reason });
    const summary = summarize(table, now(), concurrency, retries, totals, root.signal.reason);
    if (feed.fleet && fleet) summary.fleet = { ...feed.fleet, totals: fleet };
    emit({ type: 'summary', t: now(), ...summary });
    return summary;
  }

  return {
    done: run(),
    cancel(name, kind = 'user') {
      const controller = running.get(name);
      controller?.abort(new CancelReason(kind));
      return controller !== undefined;
    },
    setConcurrency(value) {
      concurrency = Math.max(1, Math.floor(value));
      if (lanes) lanes.concurrency = concurrency;
      emit({ type: 'concurrency', t: now(), concurrency });
    },
    setPaused: (paused) => setPaused(paused),
    step() {
      if (!gate.paused) return setPaused(true);
      pauses.step();
      setPaused(false);
    },
    stop,
  };
}

/** How often a fleet worker reads the whole run's totals for its `fleet` events. */
const FLEET_TOTALS_MS = 2000;

/** A synchronous transform this long is reported as holding the loop even without a cpuCost. */
const BLOCKING_SHOWN_MS = 20;

/**
 * How a source that stopped early ended: cancelled or timed out by its signal, or on its own
 * error; a source may time out on its own terms too (an HTTP phase timeout), and says so by code.
 */
function stateAfter(error: unknown, aborted: boolean): SourceState {
  if (aborted) return (error as Error | undefined)?.name === 'TimeoutError' ? 'timed-out' : 'cancelled';
  return error instanceof IngestError && error.code === 'E_TIMEOUT' ? 'timed-out' : 'failed';
}

/** What a cancelling event says: 'timeout', or the kind of cancel ('user', 'deadline', 'SIGINT', …). */
const reasonOf = (reason: unknown) =>
  reason instanceof CancelReason ? reason.kind : (reason as Error | undefined)?.name === 'TimeoutError' ? 'timeout' : 'cancelled';

/**
 * Throws the cancellation into the source where it is suspended, so its `catch` (cleanup, then
 * re-throw) runs as well as its `finally`; for-await's own way out, return(), runs only `finally`.
 */
async function cancelAtYield(source: AsyncGenerator<unknown>, reason: unknown): Promise<never> {
  await source.throw(reason); // a source that re-throws, as it must, ends here
  throw reason; // one that swallowed the cancellation is stopped all the same
}

/** --buffer-all: what "read everything, then process" costs in memory. */
async function* readToEnd<T>(chunks: AsyncGenerator<T>) {
  const all: T[] = [];
  for await (const chunk of chunks) all.push(chunk);
  yield* all;
}

function summarize(
  table: SourceTable,
  wallMs: number,
  concurrency: number,
  retries: number,
  totals: { baselineRssBytes: number; peakRssBytes: number; maxLoopLagMs: number },
  stopReason: unknown,
): Summary {
  const busyMs = table.sum('ms');
  // A million entries would be a 150 MB line of --json and as much heap at the very end: past
  // SUMMARY_SOURCES_MAX, the summary lists the sources that need a look (not done), and counts the rest.
  const all = table.size <= SUMMARY_SOURCES_MAX;
  const sources: SourceResult[] = [];
  for (let i = 0; i < table.size && sources.length < SUMMARY_SOURCES_MAX; i++) if (all || table.state(i) !== 'done') sources.push(table.get(i));
  const omitted = table.size - sources.length;
  return {
    wallMs,
    busyMs,
    speedup: wallMs > 0 ? Math.round((busyMs / wallMs) * 100) / 100 : 0,
    concurrency,
    states: table.countStates(),
    records: table.sum('records'),
    bytes: table.sum('bytes'),
    persisted: table.sum('persisted'),
    deadLettered: table.sum('deadLettered'),
    dropped: table.sum('dropped'),
    retries,
    ...totals,
    ...(stopReason instanceof CancelReason ? { stoppedBy: stopReason.kind } : {}),
    sources,
    ...(omitted > 0 ? { sourcesOmitted: omitted } : {}),
  };
}
