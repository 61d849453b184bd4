import { Text } from 'ink';
import { busyMs, type Snapshot } from '../pipeline/store.js';
import { sparkline } from './bars.js';
import { count, duration, perSecond, shortBytes as bytes, stateSymbol } from './format.js';
import { useTheme } from './theme.js';

export interface HeaderProps {
  snapshot: Snapshot;
  /** Run time now, ms. */
  now: number;
  rates: { records: number; bytes: number };
  /** How many lines there is room for: 1, 2 or 4. */
  lines: number;
  replay?: boolean;
}

/** Lag is small and it matters whether it is 0.3 ms or 3 ms: one decimal below 10 ms. */
const lag = (ms: number) => (ms < 10 ? `${ms.toFixed(1)}ms` : duration(ms));

/** Time, concurrency, throughput and memory: the numbers a lecture points at. */
export function Header({ snapshot, now, rates, lines, replay }: HeaderProps) {
  const theme = useTheme();
  const summary = snapshot.summary;
  const wall = summary?.wallMs ?? now;
  const busy = summary?.busyMs ?? busyMs(snapshot, now);
  const speedup = wall > 0 ? busy / wall : 0;
  const status = summary
    ? { text: `finished${summary.stoppedBy ? ` (stopped by ${summary.stoppedBy})` : ''}`, color: theme.state.done }
    : snapshot.stopping
      ? { text: `stopping (${snapshot.stopping})…`, color: theme.warn }
      : snapshot.paused
        ? { text: '⏸ paused', color: theme.warn }
        : { text: `${stateSymbol.running} running`, color: theme.accent };
  const c = snapshot.counts;
  const m = snapshot.metrics;
  return (
    <>
      <Text wrap="truncate">
        <Text bold>ingest-tui{replay ? ' (replay)' : ''}</Text>
        {'  '}
        <Text color={status.color} bold>{status.text}</Text>
        {`   elapsed ${duration(wall)} · busy ${duration(busy)} · speedup `}
        <Text bold>{speedup.toFixed(2)}×</Text>
      </Text>
      {lines >= 2 && (
        <Text wrap="truncate">
          {'concurrency '}
          <Text bold>{snapshot.concurrency}</Text>
          {' · '}
          <Text color={theme.state.running}>{count(c.running)} running</Text>
          {` · ${count(c.queued)} queued · ${count(snapshot.sources.length - c.queued - c.running)}/${count(snapshot.sources.length)} finished`}
        </Text>
      )}
      {lines >= 4 && (
        <Text wrap="truncate">
          {`records ${count(snapshot.records)} (${perSecond(rates.records)}) · bytes ${bytes(snapshot.bytes)} (${bytes(rates.bytes)}/s)`}
          {snapshot.deadLettered > 0 && <Text color={theme.warn}>{` · ${count(snapshot.deadLettered)} dead-lettered`}</Text>}
          {snapshot.retries > 0 && ` · ${count(snapshot.retries)} retries`}
        </Text>
      )}
      {lines >= 4 && (
        <Text wrap="truncate">
          {`memory RSS ${m ? bytes(m.rss) : '…'} `}
          <Text color={theme.accent}>{sparkline(snapshot.rssHistory, 16)}</Text>
          {` heap ${m ? bytes(m.heapUsed) : '…'} · event-loop lag p99 `}
          <Text color={m && m.loopLagP99Ms >= 50 ? theme.state.failed : undefined}>{m ? lag(m.loopLagP99Ms) : '…'}</Text>
        </Text>
      )}
    </>
  );
}
