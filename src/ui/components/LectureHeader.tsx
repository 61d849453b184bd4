import { Text } from 'ink';
import { safeText } from '../../util/sanitize.js';
import { bytes, count, duration, stateSymbol } from '../format.js';
import { captionOf, connections, focusOf, lagText, lectureMs, memoryGrowth, seconds } from '../model/lecture.js';
import { busyMs, type Snapshot } from '../model/store.js';
import { useTheme } from '../theme.js';
import { Caption } from './Caption.js';
import { LagScaleLine, MemoryScaleLine, ThreadsLine } from './ScaleLines.js';

export interface LectureHeaderProps {
  snapshot: Snapshot;
  now: number;
  /** How many lines there is room for: 1, 2 or 4. */
  lines: number;
  replay?: boolean;
  width: number;
}

/** Lag is small and it matters whether it is 0.3 ms or 3 ms: one decimal below 10 ms. */
const lag = (ms: number) => (ms < 10 ? `${ms.toFixed(1)}ms` : duration(ms));

/**
 * The header of a lecture scene (a lesson with a focus): the number the scene is about first,
 * then the caption on its own line, then the line that shows it (memory or lag on a fixed scale,
 * the threads arithmetic), then the run's state. No busy time or speedup where they mislead:
 * 10,000 sleeping connections "busy" for hours at a "speedup" of 5,647× teach nothing.
 */
export function LectureHeader({ snapshot, now, lines, replay, width }: LectureHeaderProps) {
  const theme = useTheme();
  const summary = snapshot.summary;
  const wall = summary?.wallMs ?? now;
  const status = summary
    ? { text: `${stateSymbol.done} finished`, color: theme.state.done }
    : snapshot.paused // a lesson may pause the moment a stop begins: the pause is what holds the screen
      ? { text: '⏸ paused', color: theme.warn }
      : snapshot.stopping
        ? { text: `stopping (${snapshot.stopping})…`, color: theme.warn }
        : { text: `${stateSymbol.running} running`, color: theme.accent };
  // A lesson's key moment (or a step) says why the run stands still, in place of the scene's caption.
  const caption = snapshot.paused && snapshot.pauseCaption && !snapshot.summary ? `⏸ ${safeText(snapshot.pauseCaption, 200)}` : captionOf(snapshot, now);
  const focus = focusOf(snapshot);
  const detail = focus === 'memory' ? 'memory' : focus === 'lag' ? 'lag' : focus === 'in-flight' ? 'threads' : 'state';
  return (
    <>
      <Text wrap="truncate">
        <Text bold>{`ingest-tui${replay ? ' (replay)' : ''}`}</Text>
        {'  '}
        <Text color={status.color} bold>
          {status.text}
        </Text>
        {'   '}
        {headline(snapshot, now, wall)}
      </Text>
      {lines >= 2 && caption !== undefined && <Caption text={caption} />}
      {lines >= 4 && detail === 'memory' && <MemoryScaleLine snapshot={snapshot} width={width} />}
      {lines >= 4 && detail === 'lag' && <LagScaleLine snapshot={snapshot} width={width} />}
      {lines >= 4 && detail === 'threads' && <ThreadsLine snapshot={snapshot} />}
      {lines >= 4 && <StateLine snapshot={snapshot} withMemory={detail !== 'memory'} withLag={detail !== 'lag'} />}
      {lines >= 4 && detail === 'state' && (
        <Text wrap="truncate">
          {`records ${count(snapshot.records)} · bytes ${bytes(snapshot.bytes)}`}
          {snapshot.slowmo !== 1 && <Text color={theme.warn}>{` · --slowmo ${snapshot.slowmo}: run time is ${snapshot.slowmo}× the lecture's`}</Text>}
        </Text>
      )}
    </>
  );
}

/** The first line's numbers: elapsed (with lecture time under --slowmo) and what the scene is about. */
function headline(snapshot: Snapshot, now: number, wall: number): string {
  const s = snapshot;
  const elapsed = s.slowmo !== 1 ? `elapsed ${duration(wall)} (lecture ${seconds(lectureMs(s, wall))})` : `elapsed ${duration(wall)}`;
  const parts = [elapsed];
  switch (focusOf(s)) {
    case 'overlap':
      parts.push(`busy ${duration(s.summary?.busyMs ?? busyMs(s, now))}`, `${count(s.summary ? s.peakRunning : s.counts.running)} at once`);
      break;
    case 'cancel': {
      if (s.deadlineMs !== undefined) parts.push(`deadline ${s.slowmo !== 1 ? seconds(lectureMs(s, s.deadlineMs)) : duration(s.deadlineMs)}`);
      const stopped = s.counts.cancelled + s.counts['timed-out'];
      parts.push(`${count(s.counts.done)} done · ${count(stopped)} cancelled`);
      break;
    }
    case 'cleanup': {
      const { opened, closed } = connections(s);
      parts.push(`${count(opened.length)} opened · ${count(closed.length)} closed`);
      break;
    }
    case 'memory': {
      const grown = memoryGrowth(s);
      parts.push(`streamed ${bytes(s.bytes)}`, `RSS ${s.metrics ? bytes(s.metrics.rss) : '…'}${grown === undefined ? '' : ` (+${bytes(grown)})`}`);
      break;
    }
    case 'lag':
      parts.push(`lag p99 ${s.metrics ? lagText(s.metrics.loopLagP99Ms) : '…'} · max ${lagText(s.maxLagMs)}`);
      break;
    case 'in-flight':
      parts.push(`in flight ${count(s.counts.running)} · peak ${count(s.peakRunning)}`);
      break;
    case undefined:
      break;
  }
  return parts.join(' · ');
}

/** Concurrency and where the sources stand, with memory and lag when no other line shows them. */
function StateLine({ snapshot, withMemory, withLag }: { snapshot: Snapshot; withMemory: boolean; withLag: boolean }) {
  const theme = useTheme();
  const c = snapshot.counts;
  const m = snapshot.metrics;
  return (
    <Text wrap="truncate">
      {'concurrency '}
      <Text bold>{count(snapshot.concurrency)}</Text>
      {' · '}
      <Text color={theme.state.running}>{count(c.running)} running</Text>
      {`${c.queued > 0 ? ` · ${count(c.queued)} queued` : ''} · ${count(snapshot.sources.length - c.queued - c.running)} finished`}
      {withMemory && ` · RSS ${m ? bytes(m.rss) : '…'}`}
      {withLag && ` · lag ${m ? lag(m.loopLagP99Ms) : '…'}`}
    </Text>
  );
}
