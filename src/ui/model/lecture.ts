import type { LessonFocus, SourceState } from '../../pipeline/events.js';
import { safeText } from '../../util/sanitize.js';
import { bytes, count, stateLabel } from '../format.js';
import type { Snapshot, SourceView } from './store.js';

/**
 * What a lecture scene says in the lecture's own units, derived from the snapshot: the caption
 * ("1.0 s instead of 2.3 s (3 fetches at once)") and the numbers its header leads with. Nothing
 * here is written down in advance: a run that goes otherwise says otherwise.
 */

/** The scene's focus: the lesson's own, else none (a plain run keeps the plain header). */
export const focusOf = (snapshot: Snapshot): LessonFocus | undefined => snapshot.lesson?.focus;

/** Lecture time: the run's time without --slowmo's stretch. */
export const lectureMs = (snapshot: Snapshot, ms: number) => ms / (snapshot.slowmo > 0 ? snapshot.slowmo : 1);

/** "1.0 s": the way the lecture says seconds. */
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** "250 ms", "1.2 s". */
export const lagText = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : seconds(ms));

/** What a thread's stack costs, as the lecture counts it ("roughly one megabyte"). */
export const THREAD_STACK_BYTES = 1e6;

/** RSS growth since the run started, at its peak so far. */
export function memoryGrowth(snapshot: Snapshot): number | undefined {
  if (snapshot.baselineRss === undefined || snapshot.peakRss === undefined) return undefined;
  return Math.max(0, snapshot.peakRss - snapshot.baselineRss);
}

const plural = (word: string) => (/(s|x|z|ch|sh)$/.test(word) ? `${word}es` : `${word}s`);
const counted = (n: number, word: string) => `${count(n)} ${n === 1 ? word : plural(word)}`;

/**
 * What the sources are, in a word: "connection" when they open connections (their notes say
 * so), else the stem their names share ("fetch-1.0s", "fetch-0.5s": "fetch"), else "source".
 */
function nounOf(sources: readonly SourceView[]): string {
  if (sources.length > 0 && sources.every((v) => v.kind === 'database')) return 'connection';
  const stem = (name: string) => /^([a-z]{3,})[-_]/i.exec(name)?.[1]?.toLowerCase();
  const first = sources[0] && stem(sources[0].name);
  if (first && first.length <= 12 && sources.every((v) => stem(v.name) === first)) return first;
  return 'source';
}

const ended = (v: SourceView) => v.state !== 'queued' && v.state !== 'running';

/** How a source's stop is said: the deadline is the scene's own (nothing to add); the others by who. */
const BY: Record<string, string> = { user: ' by c', quit: ' by q', SIGINT: ' by Ctrl-C', SIGTERM: ' by SIGTERM', EPIPE: ' (pipe closed)' };

/** "cancelled at its await (chunk 3 of 4) → cleanup → re-raised", for one source. */
function cancelStory(v: SourceView): string {
  const timedOut = v.cancelReason === 'timeout' || v.state === 'timed-out';
  // The reason may come from a recording: only the known ones are said.
  const by = v.cancelReason !== undefined && Object.hasOwn(BY, v.cancelReason) ? BY[v.cancelReason] : '';
  const what = timedOut ? 'timed out' : `cancelled${by}`;
  const total = v.expected?.chunks;
  // It was waiting for the chunk after the ones it had: there the cancellation landed.
  const at =
    total === undefined ? `after chunk ${count(v.chunks)}` : v.chunks >= total ? `after its last chunk` : `chunk ${count(v.chunks + 1)} of ${count(total)}`;
  const cleanup = v.marks?.cleaning !== undefined ? (v.marks.cleaned !== undefined || ended(v) ? ' → cleanup' : ' → cleanup…') : '';
  const raised = ended(v) ? ' → re-raised' : '';
  return `${safeText(v.name, 24)} ${what} at its await (${at})${cleanup}${raised}`;
}

function overlapCaption(s: Snapshot, now: number): string {
  const noun = nounOf(s.sources);
  const wall = lectureMs(s, s.summary?.wallMs ?? now);
  if (!s.summary) {
    const running = s.counts.running;
    return `${counted(running, noun)} at once · ${seconds(wall)} so far`;
  }
  const busy = lectureMs(s, s.summary.busyMs);
  if (s.peakRunning <= 1) return `${seconds(wall)}: ${counted(s.sources.length, noun)} one after another, the sum of their waits`;
  return `${seconds(wall)} instead of ${seconds(busy)} (${counted(s.peakRunning, noun)} at once)`;
}

function cancelCaption(s: Snapshot): string {
  const stopped = s.sources.filter((v) => v.cancellingAt !== undefined || v.state === 'cancelled' || v.state === 'timed-out');
  if (stopped.length === 1) return cancelStory(stopped[0]!);
  if (stopped.length > 1) {
    const all = stopped.every(ended);
    const cleaned = stopped.filter((v) => v.marks?.cleaning !== undefined).length;
    const cleanup = cleaned === 0 ? '' : cleaned < stopped.length ? ` → ${count(cleaned)} cleaned up` : all ? ' → cleanup' : ' → cleanup…';
    return `${counted(stopped.length, nounOf(s.sources))} cancelled at their await${cleanup}${all ? ' → re-raised' : ''}`;
  }
  const waiting = `${counted(s.counts.running, nounOf(s.sources))} waiting at their await`;
  if (s.summary) return `${counted(s.counts.done, nounOf(s.sources))} done in time: nothing to cancel`;
  return s.deadlineMs !== undefined ? `${waiting} · the deadline cancels at ${seconds(lectureMs(s, s.deadlineMs))}` : waiting;
}

/** Per source: whether its connection opened and closed, for the caption and the proof lines. */
export function connections(s: Snapshot) {
  const opened = s.sources.filter((v) => v.marks?.open !== undefined);
  const closed = s.sources.filter((v) => v.marks?.closed !== undefined);
  return { opened, closed, open: opened.filter((v) => v.marks?.closed === undefined) };
}

function cleanupCaption(s: Snapshot): string {
  const { opened, closed, open } = connections(s);
  const noun = nounOf(s.sources);
  const states = (list: SourceView[]) => [...new Set(list.filter(ended).map((v) => stateLabel[v.state]))].join(', ');
  if (opened.length === 0) return `${counted(s.sources.length, noun)}: opening…`;
  if (open.length === 0 && closed.length === s.sources.length && closed.every(ended)) {
    return `${counted(closed.length, noun)}: ${closed.length === 1 ? 'closed' : 'each closed'} (${states(closed)})`;
  }
  const parts = [`${counted(s.sources.length, noun)}: ${count(closed.length)} closed${closed.length ? ` (${states(closed)})` : ''}`];
  if (open.length) parts.push(`${count(open.length)} open`);
  return parts.join(' · ');
}

function memoryCaption(s: Snapshot): string {
  const grown = memoryGrowth(s);
  const at = grown === undefined ? '' : ` at +${bytes(grown)}`;
  if (s.bufferAll) return `${bytes(s.bytes)} read whole, then processed${s.summary ? '' : ' so far'}${at}`;
  return `${bytes(s.bytes)} streamed${s.summary ? '' : ' so far'}${at}`;
}

function lagCaption(s: Snapshot): string {
  const lag = lagText(s.summary?.maxLoopLagMs ?? s.maxLagMs);
  const blockers = s.sources.filter((v) => v.held !== undefined).length;
  const froze = `${blockers === 1 ? 'one blocking call' : `${count(blockers)} blocking sources`} froze every task`;
  // The lag is sampled a few times a second: the first call can come before its first sample.
  if (!s.metrics) return blockers === 0 ? 'no call has held the loop yet' : froze;
  if (blockers === 0) return s.summary ? `lag ${lag}: nothing held the loop, every task kept moving` : `lag ${lag} so far: no call has held the loop`;
  return `lag ${lag}: ${froze}`;
}

function inFlightCaption(s: Snapshot): string {
  const grown = memoryGrowth(s);
  const threads = `threads: ≈${bytes(s.peakRunning * THREAD_STACK_BYTES)}`;
  const memory = grown === undefined ? '' : ` · +${bytes(grown)} (${threads})`;
  if (s.summary || s.counts.running < s.peakRunning) return `${count(s.peakRunning)} in flight at once${memory}`;
  return `${count(s.counts.running)} in flight now${memory}`;
}

/** The scene's caption: one line, what happened so far in the lecture's units. */
export function captionOf(snapshot: Snapshot, now: number): string | undefined {
  switch (focusOf(snapshot)) {
    case 'overlap':
      return overlapCaption(snapshot, now);
    case 'cancel':
      return cancelCaption(snapshot);
    case 'cleanup':
      return cleanupCaption(snapshot);
    case 'memory':
      return memoryCaption(snapshot);
    case 'lag':
      return lagCaption(snapshot);
    case 'in-flight':
      return inFlightCaption(snapshot);
    case undefined:
      return undefined;
  }
}

/** Counts per state of a set of sources. */
export function stateCounts(views: Iterable<SourceView>): Record<SourceState, number> {
  const counts: Record<SourceState, number> = { queued: 0, running: 0, done: 0, failed: 0, 'timed-out': 0, cancelled: 0 };
  for (const v of views) counts[v.state] += 1;
  return counts;
}
