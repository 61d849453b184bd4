import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, IngestError, describeError } from '../errors.js';
import { LineFile } from '../sinks/line-file.js';
import { LIMITS } from '../util/limits.js';
import { jsonLine } from '../util/sanitize.js';
import type { EventBus, PipelineEvent } from './events.js';

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
    writes = writes.then(() => (failure ? undefined : file.write(`${jsonLine(event)}\n`))).catch((err: unknown) => {
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

/**
 * --replay FILE: plays a recording back at its original pace (or `speed` times faster), so a
 * lecture demo works with no network and no luck. Resolves with the recorded summary.
 */
export async function replayEvents(path: string, emit: (event: PipelineEvent) => void, { speed = 1, signal }: { speed?: number; signal?: AbortSignal } = {}) {
  const start = performance.now();
  let lineNo = 0;
  let summary: Extract<PipelineEvent, { type: 'summary' }> | undefined;
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      lineNo += 1;
      if (!line.trim()) continue;
      const event = parseEvent(path, lineNo, line);
      const wait = event.t / speed - (performance.now() - start);
      if (wait > 1) await sleep(wait, undefined, { signal });
      emit(event);
      if (event.type === 'summary') summary = event;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ConfigError(`${path}: no such file (--replay)`, { cause: err });
    throw err;
  }
  if (!summary) throw new ConfigError(`${path}: the recording has no summary line (was the recorded run interrupted?)`);
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
