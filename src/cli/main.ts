#!/usr/bin/env node
import { resolve } from 'node:path';
import isInCi from 'is-in-ci';
import { describeError, IngestError, USAGE_CODES, UsageError } from '../errors.js';
import { EXIT, signalExitCode } from '../exit-codes.js';
import { createEventBus, type EventBus, type Summary } from '../pipeline/events.js';
import type { PlannedWrite } from '../pipeline/persistence/output-guard.js';
import { recordEvents, startReplay } from '../pipeline/recording.js';
import { type PipelineRun, startPipeline } from '../pipeline/run.js';
import type { DashboardControls } from '../ui/dashboard/controls.js';
import type { Dashboard } from '../ui/dashboard/start-dashboard.js';
import { createStore } from '../ui/model/store.js';
import { attachJsonReporter } from '../ui/report/json-reporter.js';
import { attachTextReporter } from '../ui/report/text-reporter.js';
import { CancelReason } from '../util/cancel-reasons.js';
import { parseDuration } from '../util/parse-duration.js';
import { safeText } from '../util/sanitize.js';
import { type CliOptions, parseCommandLine, version } from './args.js';
import { watchBrokenPipes } from './broken-pipe.js';

function exitCodeFor(summary: Summary): number {
  return signalExitCode(summary.stoppedBy) ?? (summary.states.failed + summary.states['timed-out'] > 0 ? EXIT.failed : EXIT.ok);
}

const recordingWrite = (options: CliOptions): PlannedWrite[] =>
  options.record ? [{ path: resolve(options.record), flag: `--record ${options.record}`, what: 'the event recording' }] : [];

/** How long a first Ctrl-C may drain before the process leaves anyway (INGEST_TUI_GRACE=2s). */
function graceMs(): number {
  const text = process.env.INGEST_TUI_GRACE;
  if (text === undefined || text === '') return 5000;
  const parsed = parseDuration(text);
  if ('error' in parsed) throw new UsageError(`INGEST_TUI_GRACE: ${parsed.error}`);
  return parsed.ms;
}

/**
 * `--json | head -1`: once the reader of stdout or stderr has gone, the run stops as on Ctrl-C
 * (in-flight chunks persisted, checkpoints moved, outputs closed) with nothing more printed, and
 * the process leaves with EXIT.EPIPE; after the grace period, if draining takes longer.
 */
let stopOnBrokenPipe: (() => void) | undefined;
const pipes = watchBrokenPipes(() => {
  let grace = 5000;
  try {
    grace = graceMs();
  } catch {} // a bad INGEST_TUI_GRACE is reported by the run, not from in here
  setTimeout(() => process.exit(EXIT.EPIPE), grace).unref();
  stopOnBrokenPipe?.();
});
/** Stops the run with `stop` when a pipe breaks, or at once when one already has. */
function stopWhenPipeBreaks(stop: () => void) {
  stopOnBrokenPipe = stop;
  if (pipes.broken) stop();
}

/**
 * Every SIGINT/SIGTERM goes to `stop`. For a run, the pipeline turns a second one into a forced
 * stop and watchInterrupts leaves at once; a replay leaves on the second signal itself.
 */
function onSignals(stop: (kind: 'SIGINT' | 'SIGTERM', repeated: boolean) => void) {
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    let seen = false;
    const handler = () => {
      stop(signal, seen);
      seen = true;
    };
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  return () => handlers.forEach((off) => off());
}

/**
 * Lines for stderr (the drain receipt, the offline server's address). While the dashboard owns
 * the terminal they wait, since Ink would paint over them; they appear once it has closed.
 */
function stderrLines() {
  let held: string[] | undefined;
  const write = (text: string) => (held ? held.push(text) : process.stderr.write(text));
  return {
    stream: { write } as unknown as NodeJS.WritableStream,
    hold: () => void (held = []),
    release() {
      const lines = held ?? [];
      held = undefined;
      lines.forEach(write);
    },
  };
}

/**
 * Which view watches the run: --json and --ui say so; otherwise the dashboard is for a person at
 * a terminal, and logs, pipes, CI and TERM=dumb (a terminal that cannot draw it) get plain lines.
 */
function rendererFor(options: CliOptions): 'dashboard' | 'plain' | 'json' {
  if (options.json || options.ui === 'json') return 'json';
  if (options.ui === false || options.ui === 'plain') return 'plain';
  if (options.ui === 'dashboard') {
    if (!process.stdout.isTTY) throw new UsageError('--ui dashboard needs a terminal: stdout is not one (use --ui plain or --ui json)');
    return 'dashboard';
  }
  return process.stdout.isTTY && !isInCi && process.env.TERM !== 'dumb' ? 'dashboard' : 'plain';
}

/** The run's reporter: `ready` settles when it can watch a run without slowing it down. */
async function attachReporter(
  options: CliOptions,
  bus: EventBus,
  store: ReturnType<typeof createStore>,
  controls: () => DashboardControls | undefined,
  notices: ReturnType<typeof stderrLines>,
): Promise<{ detach: () => void; ready?: Promise<void>; interactive?: boolean; dashboard?: Dashboard }> {
  const renderer = rendererFor(options);
  if (renderer === 'json') return { detach: attachJsonReporter(bus) };
  if (renderer === 'dashboard') {
    // Loaded only here: headless runs never load React.
    const { startDashboard } = await import('../ui/dashboard/start-dashboard.js');
    const dashboard = startDashboard({ store, controls, replay: options.replay !== undefined });
    notices.hold();
    const detach = () => {
      dashboard.unmount();
      notices.release();
    };
    return { detach, ready: dashboard.ready, interactive: true, dashboard };
  }
  return { detach: attachTextReporter(bus, store) };
}

/**
 * A lecture scene that has run to its end stays on its final picture, the dashboard's views and
 * keys still working, until q or Ctrl-C: the class looks at it while the lecturer talks. Only with
 * a person at the terminal (the dashboard, keys working) and only when the run was not stopped on
 * purpose (q or Ctrl-C during the run meant: leave). Resolves when it is time to leave.
 */
function stayOnTheEnd(dashboard: Dashboard | undefined, summary: Summary, lecture: boolean, setControls: (controls: DashboardControls) => void): Promise<void> {
  const stoppedOnPurpose = summary.stoppedBy !== undefined && summary.stoppedBy !== 'deadline';
  if (!dashboard?.listening || !lecture || stoppedOnPurpose || pipes.broken) return Promise.resolve();
  return new Promise((resolve) => {
    const offSignals = onSignals(() => leave());
    function leave() {
      offSignals();
      stopOnBrokenPipe = undefined;
      resolve();
    }
    stopOnBrokenPipe = leave;
    setControls({ stop: leave, over: true });
  });
}

async function run(options: CliOptions): Promise<number> {
  const grace = graceMs(); // a bad value is refused before anything starts
  const bus = createEventBus();
  const store = createStore();
  bus.subscribe(store.apply);
  let controls: DashboardControls | undefined;
  const notices = stderrLines();
  // The dashboard's thread loads Ink while this one loads the sources; the run waits for it.
  const { detach, ready, interactive = false, dashboard } = await attachReporter(options, bus, store, () => controls, notices);
  const stayOn = (summary: Summary) => stayOnTheEnd(dashboard, summary, store.getSnapshot().lesson?.focus !== undefined, (c) => (controls = c));
  let stopRecording: (() => Promise<void>) | undefined;
  // Opened once the run is known to go ahead, before anything in --out changes.
  const startRecording = async () => {
    if (options.record) stopRecording = await recordEvents(resolve(options.record), bus, `--record ${options.record}`);
  };

  try {
    if (options.replay) {
      if (options.contrast) throw new UsageError('--contrast runs the scene a second way: it goes with --sources, not --replay');
      if (options.record)
        (await import('../pipeline/persistence/output-guard.js')).refuseOverlaps(recordingWrite(options), [
          { path: resolve(options.replay), what: '--replay plays' },
        ]);
      await startRecording();
      const replay = new AbortController();
      const stop = (kind: 'quit' | 'SIGINT' | 'SIGTERM' | 'EPIPE') => replay.abort(new CancelReason(kind));
      stopWhenPipeBreaks(() => stop('EPIPE'));
      const offSignals = onSignals((signal, repeated) => (repeated ? process.exit(EXIT[signal]) : stop(signal)));
      try {
        await ready;
        // --slowmo 2 plays it at half speed; p, → and the lesson's key moments work as in a run.
        const player = startReplay(resolve(options.replay), bus.emit, { signal: replay.signal, speed: 1 / (options.slowmo ?? 1), pauseAtMoments: interactive });
        controls = { stop, setPaused: player.setPaused, step: player.step };
        const summary = await player.done;
        await stayOn(summary);
        return exitCodeFor(summary);
      } catch (err) {
        const reason: unknown = replay.signal.reason;
        if (!(reason instanceof CancelReason)) throw err;
        return signalExitCode(reason.kind) ?? EXIT.ok;
      } finally {
        stopOnBrokenPipe = undefined;
        offSignals();
      }
    }

    // Imported here, not at startup: --help and --version need none of zod (95 files), the
    // checkpoints and sinks, the offline server or piscina.
    const [{ createSources, loadSources }, { openPersistence, plannedWrites }, { refuseOverlaps, runInputs }, { leave, watchInterrupts }] = await Promise.all([
      import('../pipeline/config.js'),
      import('../pipeline/persistence/open-persistence.js'),
      import('../pipeline/persistence/output-guard.js'),
      import('./interrupt.js'),
    ]);
    const { bundledFixtures, locateSources } = await import('./scenarios.js');
    const loaded = await loadSources(options.sources ? locateSources(options.sources) : bundledFixtures);
    const defaults = loaded.defaults;
    // --json's last line is the summary (scripts rely on it): the contrast is for people.
    if (options.contrast && rendererFor(options) === 'json')
      throw new UsageError("--contrast draws both ways for people (dashboard or --no-ui); with --json, run the contrast's flags as a second command");
    if (options.contrast && !defaults.lesson?.contrast) {
      throw new UsageError(
        `--contrast: ${options.sources ?? 'the bundled demo'} has no "lesson": {"contrast": …} in its ingest.json (01-gather, 04-streaming and 05-blocking do)`,
      );
    }
    // A lecture scene's asyncio twin, shown in its lesson view (fixtures/lecture/NN/twin.py, twin.out).
    const twin = defaults.lesson && loaded.directory ? await (await import('../pipeline/twin.js')).loadTwin(loaded.dir) : undefined;
    // "serve" in ingest.json: the offline server runs beside this run and stops with it, whatever happens.
    await using server = defaults.serve ? await (await import('../serve/child.js')).startServeProcess(defaults.serve.port) : undefined;
    if (server) notices.stream.write(`ingest-tui: offline server at ${server.url} (pid ${server.pid}) for this run\n`);
    const seed = options.seed ?? defaults.seed ?? 1;
    const slowmo = options.slowmo ?? defaults.slowmo ?? 1;
    const sources = createSources(loaded.configs, { seed, slowmo, serveUrl: server?.url });
    // The directory's deadline and timeout belong to its simulated timeline: --slowmo stretches
    // them with it (02-wait-timeout at --slowmo 3 still cancels only the straggler). Flags stay wall time.
    const stretched = (ms: number | undefined) => (ms === undefined ? undefined : ms * slowmo);
    const out = resolve(options.out);
    const sinkKind = options.sink ?? defaults.sink ?? 'ndjson';
    // Before anything is written: no output may land on what the run reads, nor --record on an output.
    refuseOverlaps(
      [...plannedWrites({ sink: sinkKind, out, names: loaded.configs.map((c) => c.name), flag: `--out ${options.out}` }), ...recordingWrite(options)],
      runInputs(loaded, sources, options.sources ? `--sources ${options.sources}` : 'the bundled demo'),
    );
    await startRecording();
    if ((options.db !== undefined || options.dbSchema !== undefined) && sinkKind !== 'postgres')
      throw new UsageError('--db and --db-schema go with --sink postgres');
    const persistence = await openPersistence({
      sink: sinkKind,
      out,
      resume: options.resume === true,
      configs: loaded.configs,
      sources,
      seed,
      db: { url: options.db, schema: options.dbSchema },
    });
    const pool = options.offload || defaults.offload ? (await import('../pipeline/offload/pool.js')).createOffloadPool() : undefined;
    await ready; // the dashboard's start-up (~0.2 s of CPU) before the run's, not during it
    const offInterrupts = watchInterrupts({
      bus,
      store,
      checkpoints: persistence.checkpoints,
      out,
      graceMs: grace,
      err: notices.stream,
      exit: (code, now) => {
        detach(); // the terminal back to normal and the receipt on it before leaving
        leave(code, now);
      },
    });
    const pipeline: PipelineRun = startPipeline(
      persistence.sources,
      {
        concurrency: options.concurrency ?? defaults.concurrency ?? 4,
        timeoutMs: options.timeout ?? stretched(defaults.timeout),
        deadlineMs: options.deadline ?? stretched(defaults.deadline),
        sink: persistence.sink,
        deadLetters: persistence.deadLetters,
        checkpoints: persistence.checkpoints,
        out: persistence.where ?? out,
        transform: pool?.transform,
        transformAhead: pool && pool.threads * 4, // workers busy, and the writes behind them never hold the reads up
        bufferAll: options.bufferAll,
        lesson: defaults.lesson && { ...defaults.lesson, ...(twin ? { twin } : {}) },
        pauseAt: interactive ? defaults.lesson?.pauseAt : undefined, // someone is there to resume
        version,
        // The run's time begins once the dashboard shows its sources: the class sees them start.
        holdUntil: dashboard?.painted,
        slowmo,
      },
      bus.emit,
    );
    controls = pipeline;
    // A broken pipe at the summary itself has nothing left to stop.
    stopWhenPipeBreaks(() => store.getSnapshot().summary === undefined && pipeline.stop('EPIPE'));
    const offSignals = onSignals((signal) => pipeline.stop(signal));
    let summary: Summary;
    try {
      summary = await pipeline.done;
      await persistence.seal();
    } finally {
      stopOnBrokenPipe = undefined;
      offSignals();
      offInterrupts();
      await pool?.close();
    }
    // --contrast: the lecture's other way, from the same sources, writing nothing; q stops it (and leaves).
    const contrasted =
      !options.contrast ||
      (await (
        await import('./contrast.js')
      ).runContrast({
        loaded,
        lesson: defaults.lesson!,
        seed,
        slowmo,
        serveUrl: server?.url,
        t: summary.wallMs,
        emit: bus.emit,
        base: {
          concurrency: options.concurrency ?? defaults.concurrency ?? 4,
          timeoutMs: options.timeout ?? stretched(defaults.timeout),
          deadlineMs: options.deadline ?? stretched(defaults.deadline),
          bufferAll: options.bufferAll,
          offload: options.offload || defaults.offload,
        },
        setControls: (c) => (controls = c),
        onSignal: (stop) => onSignals(() => stop()),
      }));
    // Everything is written and closed: only the picture is left, until q.
    if (contrasted) await stayOn(summary);
    return exitCodeFor(summary);
  } finally {
    detach();
    await stopRecording?.();
  }
}

async function main(argv: string[]): Promise<number> {
  try {
    const invocation = parseCommandLine(argv);
    if (invocation.command === 'exit') return invocation.code;
    if (invocation.command === 'validate')
      return await (await import('./validate.js')).validateSources(invocation.sources, (text) => process.stdout.write(text));
    if (invocation.command === 'list') {
      (await import('./scenarios.js')).listScenarios((text) => process.stdout.write(text));
      return EXIT.ok;
    }
    if (invocation.command === 'serve') return await (await import('../serve/command.js')).serveCommand(invocation.port);
    return await run(invocation.options);
  } catch (err) {
    const usage = err instanceof IngestError && USAGE_CODES.has(err.code);
    process.stderr.write(`ingest-tui: ${safeText(describeError(err), 2000)}\n`);
    if (usage) {
      if (err instanceof UsageError) process.stderr.write('Try ingest-tui --help\n');
      return EXIT.usage;
    }
    if (process.env.DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return EXIT.failed;
  }
}

const code = await main(process.argv.slice(2));
// stdout may be a pipe: let what was written drain before leaving (and learn whether it broke).
process.stdout.write('', () => process.exit(pipes.broken ? EXIT.EPIPE : code));
