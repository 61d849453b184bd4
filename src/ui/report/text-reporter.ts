import type { EventBus, PipelineEvent } from '../../pipeline/events.js';
import { safeText } from '../../util/sanitize.js';
import { bytes, count, duration, progressText, rate, stateLabel, stateSymbol } from '../format.js';
import { fleetText } from '../model/fleet-text.js';
import { busyMs, type Store } from '../model/store.js';
import { formatSummary } from './summary-table.js';

/** Above this many sources, routine starts and successes are not worth a line each. */
const CHATTY_LIMIT = 100;

export interface TextReporterOptions {
  err?: NodeJS.WritableStream;
  out?: NodeJS.WritableStream;
  progressEveryMs?: number;
}

/**
 * --no-ui: a line per state change and a progress line every second on stderr (a log a person
 * or CI can read), the summary table on stdout (what a script keeps).
 */
export function attachTextReporter(bus: EventBus, store: Store, options: TextReporterOptions = {}) {
  const err = options.err ?? process.stderr;
  const out = options.out ?? process.stdout;
  /** Each source's start and end said; undefined: a fleet's, decided by how many this worker has seen. */
  let chatty: boolean | undefined = true;
  const isChatty = () => chatty ?? store.getSnapshot().sources.length <= CHATTY_LIMIT;
  const at = (t: number) => `[${(t / 1000).toFixed(2).padStart(6)}s]`;
  const say = (t: number, text: string) => err.write(`${at(t)} ${text}\n`);

  const progress = setInterval(() => {
    const snap = store.getSnapshot();
    if (snap.sources.length === 0 || snap.summary) return;
    const c = snap.counts;
    const finished = c.done + c.failed + c['timed-out'] + c.cancelled;
    const whole = progressText(snap.metrics);
    const lag = snap.metrics ? ` · rss ${bytes(snap.metrics.rss)} · lag p99 ${duration(snap.metrics.loopLagP99Ms)}` : '';
    const records = `${count(snap.records)} records (${count(rate(snap.records, snap.t))}/s) · busy ${duration(busyMs(snap))}${lag}`;
    if (snap.fleet) say(snap.t, `${count(c.running)} running · ${count(finished)} finished here · ${records} · ${fleetText(snap.fleet)}`);
    else
      say(
        snap.t,
        `${whole ? `${whole} · ` : ''}${count(c.running)} running · ${count(c.queued)} queued · ${count(finished)}/${count(snap.sources.length)} finished · ${records}`,
      );
  }, options.progressEveryMs ?? 1000);
  progress.unref();

  const onEvent = (event: PipelineEvent) => {
    switch (event.type) {
      case 'run-start':
        chatty = event.fleet ? undefined : event.sources.length <= CHATTY_LIMIT;
        if (event.fleet) {
          say(
            event.t,
            `ingest-tui: fleet run ${safeText(event.fleet.run)} as worker ${safeText(event.fleet.worker)} · concurrency ${event.concurrency} · sink ${event.sink}${event.out ? ` → ${safeText(event.out)}` : ''}`,
          );
          break;
        }
        say(
          event.t,
          `ingest-tui: ${count(event.sources.length)} source${event.sources.length === 1 ? '' : 's'} · concurrency ${event.concurrency} · sink ${event.sink}${event.out && event.sink !== 'none' ? ` → ${safeText(event.out)}` : ''}`,
        );
        if (event.lesson) {
          say(event.t, `lesson: ${safeText(event.lesson.title)} · ${safeText(event.lesson.js)} ↔ ${safeText(event.lesson.asyncio)}`);
          say(event.t, `  ${safeText(event.lesson.takeaway)}`);
        }
        break;
      case 'source-start':
        if (isChatty())
          say(event.t, `${stateSymbol.running} ${safeText(event.source)} started${event.takenFrom ? ` (taken over from ${safeText(event.takenFrom)})` : ''}`);
        break;
      case 'note':
        if (isChatty()) say(event.t, `  ${safeText(event.source)}: ${safeText(event.text)}`);
        break;
      case 'retry':
        if (isChatty()) say(event.t, `↻ ${safeText(event.source)} retry ${event.attempt} in ${duration(event.delayMs)}: ${safeText(event.reason)}`);
        break;
      case 'source-end':
        if (isChatty() || event.state !== 'done') {
          const detail = `${counted(event.chunks, 'chunk')} · ${counted(event.records, 'record')} · ${bytes(event.bytes)} in ${duration(event.ms)}`;
          say(
            event.t,
            `${stateSymbol[event.state]} ${safeText(event.source)} ${stateLabel[event.state]} · ${detail}${event.error ? ` · ${safeText(event.error)}` : ''}`,
          );
        }
        break;
      case 'concurrency':
        say(event.t, `concurrency → ${event.concurrency}`);
        break;
      case 'paused':
        say(event.t, event.paused ? 'paused' : 'resumed');
        break;
      case 'contrast': {
        // --contrast, after the summary: the other way's numbers next to the run's.
        const label = safeText(event.label, 24);
        const r = event.result;
        say(
          event.t,
          r
            ? `contrast, ${label}: wall ${duration(r.wallMs)} · max lag ${duration(r.maxLagMs)} · peak RSS ${bytes(r.peakRssBytes)}`
            : `contrast, ${label}: ${event.state === 'running' ? 'running the other way…' : 'stopped'}`,
        );
        break;
      }
      case 'stopping':
        if (!event.force) say(event.t, `stopping (${event.reason}): running sources are cancelled, their cleanup runs`);
        break;
      case 'summary': {
        clearInterval(progress);
        const { type: _type, t: _t, ...summary } = event;
        out.write(formatSummary(summary));
        break;
      }
      default:
        break;
    }
  };
  const unsubscribe = bus.subscribe(onEvent);
  return () => {
    clearInterval(progress);
    unsubscribe();
  };
}

/** "1 chunk", "2 chunks", "1,000 records". */
const counted = (n: number, noun: string) => `${count(n)} ${noun}${n === 1 ? '' : 's'}`;
