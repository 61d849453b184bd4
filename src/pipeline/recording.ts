import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { ConfigError, describeError, IngestError } from '../errors.js';
import { LineFile } from '../sinks/line-file.js';
import { Clock } from '../util/clock.js';
import { LIMITS } from '../util/limits.js';
import { jsonLine } from '../util/sanitize.js';
import type { EventBus, PipelineEvent } from './events.js';
import { pauseDecider } from './pause-points.js';
import { onlyBundledTwin, portableTwin } from './twin.js';

/**
 * --record FILE: the event stream as NDJSON, exactly what --json prints. The file is opened
 * before the run (a path that cannot be written is a usage error, and --out is not touched yet);
 * a write that fails later (a full disk) ends the recording, and stopping it says so in one line.
 */
export async function recordEvents(path: string, bus: EventBus, flag = `--record ${path}`): Promise<() => Promise<void>> {
  const file = await LineFile.open(path).catch((cause: unknown) => {
    throw new IngestError('E_RECORD', `${flag}: cannot write there (${describeError(cause)})`, { cause });
  });
  let failure: unknown;
  let writes = Promise.resolve();
  const unsubscribe = bus.subscribe((event) => {
    // Caught in the chain: a rejected write must not become an unhandled rejection between events.
    writes = writes
      .then(() => (failure ? undefined : file.write(`${jsonLine(event.type === 'run-start' ? portableTwin(event) : event)}\n`)))
      .catch((err: unknown) => {
        failure ??= err;
      });
  });
  return async () => {
    unsubscribe();
    await writes;
    await file.close().catch((err: unknown) => {
      failure ??= err;
    });
    if (failure) throw new IngestError('E_SINK', `${flag}: cannot write (${describeError(failure)}); the recording is incomplete`, { cause: failure });
  };
}

export interface Replay {
  /** Resolves with the recorded summary once every event has played. */
  done: Promise<Extract<PipelineEvent, { type: 'summary' }>>;
  setPaused(paused: boolean): void;
  /** Paused: play on to the next thing a source did, then pause again. Playing: pause. */
  step(): void;
}

/**
 * --replay FILE (or STDIN) with the dashboard's teaching keys: `p` holds the replay's clock, → steps from
 * event to event, and a recorded lesson's key moments (`pauseAt`) pause it by themselves when
 * `pauseAtMoments` (someone is there to resume it). The recording's own pauses are not replayed:
 * its times already leave them out.
 */
export function startReplay(
  path: string,
  emit: (event: PipelineEvent) => void,
  options: { speed?: number; signal?: AbortSignal; pauseAtMoments?: boolean } = {},
): Replay {
  const clock = new Clock();
  let pauses = pauseDecider();
  let release: (() => void) | undefined;
  let t = 0;
  const setPaused = (paused: boolean, caption?: string) => {
    if (paused === (release !== undefined)) return;
    if (paused) release = clock.hold();
    else {
      release?.();
      release = undefined;
    }
    emit({ type: 'paused', t, paused, ...(caption === undefined ? {} : { caption }) });
  };
  const play = (event: PipelineEvent) => {
    if (event.type === 'paused') return;
    t = event.t;
    if (event.type === 'run-start' && options.pauseAtMoments) pauses = pauseDecider(event.lesson?.pauseAt);
    emit(event.type === 'run-start' ? onlyBundledTwin(event) : event);
    const caption = event.type === 'metrics' ? undefined : pauses.after(event);
    if (caption !== undefined) setPaused(true, caption);
  };
  return {
    done: replayEvents(path, play, { speed: options.speed, signal: options.signal, clock }),
    setPaused: (paused) => setPaused(paused),
    step() {
      if (release === undefined) return setPaused(true);
      pauses.step();
      setPaused(false);
    },
  };
}

/** `--replay -`: the recording comes from stdin (`cat run.ndjson | ingest-tui --replay -`). */
export const STDIN = '-';

/**
 * --replay FILE: plays a recording back at its original pace (or `speed` times faster: `--slowmo
 * 2` is speed 0.5), so a lecture demo works with no network and no luck. Its waits are on `clock`,
 * which a pause holds. Resolves with the recorded summary.
 */
async function replayEvents(
  path: string,
  emit: (event: PipelineEvent) => void,
  { speed = 1, signal = new AbortController().signal, clock = new Clock() }: { speed?: number; signal?: AbortSignal; clock?: Clock } = {},
) {
  const start = clock.now();
  let lineNo = 0;
  let summary: Extract<PipelineEvent, { type: 'summary' }> | undefined;
  const input = path === STDIN ? process.stdin : createReadStream(path);
  const lines = createInterface({ input, crlfDelay: Infinity });
  const where = path === STDIN ? 'stdin' : path;
  try {
    for await (const line of lines) {
      lineNo += 1;
      if (!line.trim()) continue;
      const event = parseEvent(where, lineNo, line);
      const wait = event.t / speed - (clock.now() - start);
      if (wait > 1 || clock.held) await clock.sleep(Math.max(0, wait), signal); // held: nothing plays
      emit(event);
      if (event.type === 'summary') summary = event;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ConfigError(`${path}: no such file (--replay)`, { cause: err });
    throw err;
  }
  if (!summary) throw new ConfigError(`${where}: the recording has no summary line (was the recorded run interrupted?)`);
  return summary;
}

function parseEvent(path: string, lineNo: number, line: string): PipelineEvent {
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch (cause) {
    throw new ConfigError(`${path}:${lineNo}: not a JSON event`, { cause });
  }
  const e = event as { type?: unknown; t?: unknown };
  if (typeof e !== 'object' || e === null || typeof e.type !== 'string' || typeof e.t !== 'number') {
    throw new ConfigError(`${path}:${lineNo}: type/t: not an ingest-tui event`);
  }
  if (!(e.t >= 0 && e.t <= LIMITS.durationMs)) throw new ConfigError(`${path}:${lineNo}: t: expected 0 to ${LIMITS.durationMs} ms, got ${e.t}`);
  return event as PipelineEvent;
}
