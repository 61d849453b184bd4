#!/usr/bin/env node
import { resolve } from 'node:path';
import isInCi from 'is-in-ci';
import { describeError, IngestError, USAGE_CODES, UsageError } from '../errors.js';
import { EXIT, signalExitCode } from '../exit-codes.js';
import { createEventBus, type Emit, type EventBus, type Summary } from '../pipeline/events.js';
import type { PlannedWrite } from '../pipeline/persistence/output-guard.js';
import { recordEvents, STDIN, startReplay } from '../pipeline/recording.js';
import { type PipelineRun, startPipeline } from '../pipeline/run.js';
import type { DashboardControls } from '../ui/dashboard/controls.js';
import type { Dashboard } from '../ui/dashboard/start-dashboard.js';
import { createStore } from '../ui/model/store.js';
import { attachJsonReporter } from '../ui/report/json-reporter.js';
import { attachTextReporter } from '../ui/report/text-reporter.js';
import { CancelReason } from '../util/cancel-reasons.js';
import { safeText } from '../util/sanitize.js';
import { type CliOptions, parseCommandLine, version } from './args.js';
import { watchBrokenPipes } from './broken-pipe.js';
import { chooseRenderer, DEFAULTS, graceMs, resolveRunSettings, type Terminal } from './settings.js';

function exitCodeFor(summary: Summary): number {
  return signalExitCode(summary.stoppedBy) ?? (summary.states.failed + summary.states['timed-out'] > 0 ? EXIT.failed : EXIT.ok);
}

const recordingWrite = (options: CliOptions): PlannedWrite[] =>
  options.record ? [{ path: resolve(options.record), flag: `--record ${options.record}`, what: 'the event recording' }] : [];

/**
 * `--json | head -1`: once the reader of stdout or stderr has gone, the run stops as on Ctrl-C
 * (in-flight chunks persisted, checkpoints moved, outputs closed) with nothing more printed, and
 * the process leaves with EXIT.EPIPE; after the grace period, if draining takes longer.
 */
let stopOnBrokenPipe: (() => void) | undefined;
const pipes = watchBrokenPipes(() => {
  let grace: number = DEFAULTS.graceMs;
  try {
    grace = graceMs(process.env);
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
  return () => {
    for (const off of handlers) off();
  };
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
    hold() {
      held = [];
    },
    release() {
      const lines = held ?? [];
      held = undefined;
      lines.forEach(write);
    },
  };
}

const controlPlace = (control: string | true) => (control === true ? {} : { path: control });

const terminal = (): Terminal => ({ isTTY: process.stdout.isTTY === true, ci: isInCi, term: process.env.TERM });

/** The run's reporter: `ready` settles when it can watch a run without slowing it down. */
async function attachReporter(
  options: CliOptions,
  bus: EventBus,
  store: ReturnType<typeof createStore>,
  controls: () => DashboardControls | undefined,
  notices: ReturnType<typeof stderrLines>,
): Promise<{ detach: () => void; ready?: Promise<void>; interactive?: boolean; dashboard?: Dashboard }> {
  const renderer = chooseRenderer(options, terminal());
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
  const grace = graceMs(process.env); // a bad value is refused before anything starts
  const bus = createEventBus();
  const store = createStore();
  bus.subscribe(store.apply);
  let controls: DashboardControls | undefined;
  // --control: a local socket for `ingest-tui attach`, listening before the run says anything.
  const control = options.control
    ? await (await import('./control/server.js')).startControlServer({ ...controlPlace(options.control), bus, controls: () => controls, version })
    : undefined;
  if (control) process.stderr.write(`ingest-tui: control socket ${safeText(control.path)} (watch and steer it: ingest-tui attach ${safeText(control.path)})\n`);
  // run-start says where (a replayed one: where this process listens, not where the recorded one did).
  const emit: Emit = (event) => bus.emit(event.type === 'run-start' && (control || event.control) ? { ...event, control: control?.path } : event);
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
      const replayed = options.replay === STDIN ? STDIN : resolve(options.replay);
      if (options.record && replayed !== STDIN)
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
        const player = startReplay(replayed, emit, {
          signal: replay.signal,
          speed: 1 / (options.slowmo ?? DEFAULTS.slowmo),
          pauseAtMoments: interactive,
        });
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
    const settings = resolveRunSettings(options, loaded.defaults);
    // A lecture scene's asyncio twin, shown in its lesson view (fixtures/lecture/NN/twin.py, twin.out).
    const twin = settings.lesson && loaded.directory ? await (await import('../pipeline/twin.js')).loadTwin(loaded.dir) : undefined;
    // "serve" in ingest.json: the offline server runs beside this run and stops with it, whatever happens.
    await using server = settings.serve ? await (await import('../serve/child.js')).startServeProcess(settings.serve.port) : undefined;
    if (server) notices.stream.write(`ingest-tui: offline server at ${server.url} (pid ${server.pid}) for this run\n`);
    const { seed, slowmo, out } = settings;
    const sources = createSources(loaded.configs, { seed, slowmo, serveUrl: server?.url });
    // Before anything is written: no output may land on what the run reads, nor --record on an output.
    refuseOverlaps(
      [...plannedWrites({ sink: settings.sink, out, names: loaded.configs.map((c) => c.name), flag: `--out ${options.out}` }), ...recordingWrite(options)],
      runInputs(loaded, sources, options.sources ? `--sources ${options.sources}` : 'the bundled demo'),
    );
    await startRecording();
    const persistence = await openPersistence({
      sink: settings.sink,
      out,
      resume: settings.resume,
      configs: loaded.configs,
      sources,
      seed,
      db: settings.db,
      fleet: settings.fleet,
    });
    const pool = settings.offload ? (await import('../pipeline/offload/pool.js')).createOffloadPool() : undefined;
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
      persistence.feed ?? persistence.sources,
      {
        concurrency: settings.concurrency,
        timeoutMs: settings.timeoutMs,
        deadlineMs: settings.deadlineMs,
        sink: persistence.sink,
        deadLetters: persistence.deadLetters,
        checkpoints: persistence.checkpoints,
        out: persistence.where ?? out,
        transform: pool?.transform,
        transformAhead: pool && pool.threads * 4, // workers busy, and the writes behind them never hold the reads up
        bufferAll: settings.bufferAll,
        lesson: settings.lesson && { ...settings.lesson, ...(twin ? { twin } : {}) },
        pauseAt: interactive ? settings.lesson?.pauseAt : undefined, // someone is there to resume
        version,
        // The run's time begins once the dashboard shows its sources: the class sees them start.
        holdUntil: dashboard?.painted,
        slowmo,
      },
      emit,
    );
    controls = pipeline;
    persistence.onLost?.((source) => pipeline.cancel(source, 'lease'));
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
      !settings.contrast ||
      (await (
        await import('./contrast.js')
      ).runContrast({
        loaded,
        lesson: settings.lesson!,
        seed,
        slowmo,
        serveUrl: server?.url,
        t: summary.wallMs,
        emit: bus.emit,
        base: settings,
        setControls: (c) => (controls = c),
        onSignal: (stop) => onSignals(() => stop()),
      }));
    // Everything is written and closed: only the picture is left, until q.
    if (contrasted) await stayOn(summary);
    return exitCodeFor(summary);
  } finally {
    detach();
    await control?.close();
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
    if (invocation.command === 'attach') return await (await import('./control/attach.js')).attach(invocation.socket);
    if (invocation.command === 'fleet')
      return await (await import('../fleet/watch.js')).watchFleet({
        run: invocation.run,
        db: invocation.db,
        schema: invocation.dbSchema,
        json: invocation.json,
      });
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
