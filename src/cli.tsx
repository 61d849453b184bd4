#!/usr/bin/env node
import { resolve } from 'node:path';
import isInCi from 'is-in-ci';
import { bundledFixtures, parseCommandLine, type CliOptions } from './cli-args.js';
import { ConfigError, IngestError, UsageError, describeError } from './errors.js';
import { createEventBus, type EventBus, type Summary } from './pipeline/events.js';
import { recordEvents, replayEvents } from './pipeline/recording.js';
import { startPipeline, type PipelineRun } from './pipeline/run.js';
import { createStore } from './pipeline/store.js';
import { deadLetterFile, discardDeadLetters } from './sinks/dead-letter.js';
import { ndjsonSink } from './sinks/ndjson.js';
import { noneSink, type Sink } from './sinks/sink.js';
import { attachJsonReporter } from './ui/json-reporter.js';
import { attachTextReporter } from './ui/text-reporter.js';
import { safeText } from './util/sanitize.js';

const EXIT = { ok: 0, failed: 1, usage: 2, SIGINT: 130, SIGTERM: 143 } as const;

function notYet(what: string): never {
  throw new IngestError('E_NOT_AVAILABLE', `${what} is not available yet`);
}

function exitCodeFor(summary: Summary): number {
  if (summary.stoppedBy === 'SIGINT') return EXIT.SIGINT;
  if (summary.stoppedBy === 'SIGTERM') return EXIT.SIGTERM;
  return summary.states.failed + summary.states['timed-out'] > 0 ? EXIT.failed : EXIT.ok;
}

function makeSink(kind: string, out: string): Sink {
  if (kind === 'none') return noneSink();
  if (kind === 'sqlite') notYet('--sink sqlite');
  return ndjsonSink(out);
}

/** Ctrl-C once: stop gracefully (cleanup runs, outputs close). Twice: leave now. */
function onSignals(stop: (kind: 'SIGINT' | 'SIGTERM') => void) {
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    let seen = false;
    const handler = () => {
      if (seen) process.exit(EXIT[signal]);
      seen = true;
      stop(signal);
    };
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  return () => handlers.forEach((off) => off());
}

function attachReporter(options: CliOptions, bus: EventBus, store: ReturnType<typeof createStore>) {
  if (options.json) return attachJsonReporter(bus);
  // The Ink dashboard comes with its own issue; until then every run is headless.
  return attachTextReporter(bus, store);
}

async function run(options: CliOptions): Promise<number> {
  if (options.resume) notYet('--resume');

  const bus = createEventBus();
  const store = createStore();
  bus.subscribe(store.apply);
  const detach = attachReporter(options, bus, store);
  const stopRecording = options.record ? recordEvents(resolve(options.record), bus) : undefined;

  try {
    if (options.replay) {
      const replay = new AbortController();
      const offSignals = onSignals(() => replay.abort());
      try {
        return exitCodeFor(await replayEvents(resolve(options.replay), bus.emit, { signal: replay.signal }));
      } finally {
        offSignals();
      }
    }

    // Imported here, not at startup: --help and --version need neither zod (95 files) nor piscina.
    const { createSources, loadSources } = await import('./pipeline/config.js');
    const loaded = await loadSources(options.sources ?? bundledFixtures);
    const defaults = loaded.defaults;
    const sources = createSources(loaded.configs, { seed: options.seed ?? defaults.seed ?? 1, slowmo: options.slowmo ?? defaults.slowmo ?? 1 });
    const out = resolve(options.out);
    const sinkKind = options.sink ?? defaults.sink ?? 'ndjson';
    const pool = options.offload || defaults.offload ? (await import('./pipeline/offload.js')).createOffloadPool() : undefined;
    const pipeline: PipelineRun = startPipeline(
      sources,
      {
        concurrency: options.concurrency ?? defaults.concurrency ?? 4,
        timeoutMs: options.timeout ?? defaults.timeout,
        deadlineMs: options.deadline ?? defaults.deadline,
        sink: makeSink(sinkKind, out),
        deadLetters: sinkKind === 'none' ? discardDeadLetters : deadLetterFile(out),
        out,
        transform: pool?.transform,
        bufferAll: options.bufferAll,
      },
      bus.emit,
    );
    const offSignals = onSignals((signal) => pipeline.stop(signal));
    try {
      return exitCodeFor(await pipeline.done);
    } finally {
      offSignals();
      await pool?.close();
    }
  } finally {
    detach();
    await stopRecording?.();
  }
}

async function main(argv: string[]): Promise<number> {
  try {
    const invocation = parseCommandLine(argv);
    if (invocation.command === 'exit') return invocation.code;
    if (invocation.command === 'serve') notYet('ingest-tui serve');
    return await run(invocation.options);
  } catch (err) {
    const usage = err instanceof ConfigError || err instanceof UsageError || (err instanceof IngestError && (err.code === 'E_NOT_AVAILABLE' || err.code === 'E_OUT_DIR'));
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
// stdout may be a pipe: let what was written drain before leaving.
process.stdout.write('', () => process.exit(code));
