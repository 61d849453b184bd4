import { Text } from 'ink';
import { safeText } from '../../util/sanitize.js';
import { bytes, count, duration, perSecond, progressText, stateSymbol } from '../format.js';
import { fleetText } from '../model/fleet-text.js';
import { busyMs, type Snapshot } from '../model/store.js';
import { useTheme } from '../theme.js';
import { sparkline } from './bars.js';

export interface HeaderProps {
  snapshot: Snapshot;
  /** Run time now, ms. */
  now: number;
  rates: { records: number; bytes: number };
  /** How many lines there is room for: 1, 2 or 4. */
  lines: number;
  replay?: boolean;
  width: number;
}

/** From this many sources on, the memory line says what one costs (the lecture's c10k). */
const PER_SOURCE_FROM = 100;

/** RSS growth since the run started over the sources that have started: what one costs. */
function memoryPerSource(snapshot: Snapshot): { grown: number; started: number; each: number } | undefined {
  const started = snapshot.sources.length - snapshot.counts.queued;
  if (snapshot.sources.length < PER_SOURCE_FROM || started <= 0 || snapshot.baselineRss === undefined || snapshot.peakRss === undefined) return undefined;
  const grown = Math.max(0, snapshot.peakRss - snapshot.baselineRss);
  return { grown, started, each: grown / started };
}

/** Lag is small and it matters whether it is 0.3 ms or 3 ms: one decimal below 10 ms. */
const lag = (ms: number) => (ms < 10 ? `${ms.toFixed(1)}ms` : duration(ms));

/** Time, concurrency, throughput and memory: the numbers a lecture points at. */
export function Header({ snapshot, now, rates, lines, replay, width }: HeaderProps) {
  const theme = useTheme();
  const summary = snapshot.summary;
  const wall = summary?.wallMs ?? now;
  const busy = summary?.busyMs ?? busyMs(snapshot, now);
  const speedup = wall > 0 ? busy / wall : 0;
  const status = summary
    ? { text: `finished${summary.stoppedBy ? ` (stopped by ${summary.stoppedBy})` : ''}`, color: theme.state.done }
    : snapshot.paused // a lesson may pause the moment a stop begins: the pause is what holds the screen
      ? { text: `⏸ paused${snapshot.pauseCaption ? `: ${safeText(snapshot.pauseCaption, 200)}` : ''}`, color: theme.warn }
      : snapshot.stopping
        ? { text: `stopping (${snapshot.stopping})…`, color: theme.warn }
        : { text: `${stateSymbol.running} running`, color: theme.accent };
  const c = snapshot.counts;
  return (
    <>
      <Text wrap="truncate">
        <Text bold>ingest-tui{replay ? ' (replay)' : ''}</Text>
        {'  '}
        <Text color={status.color} bold>
          {status.text}
        </Text>
        {`   elapsed ${duration(wall)} · busy ${duration(busy)} · speedup `}
        <Text bold>{speedup.toFixed(2)}×</Text>
      </Text>
      {lines >= 2 && (
        <Text wrap="truncate">
          {'concurrency '}
          <Text bold>{snapshot.concurrency}</Text>
          {' · '}
          <Text color={theme.state.running}>{count(c.running)} running</Text>
          {snapshot.fleet
            ? ` · ${count(snapshot.sources.length - c.queued - c.running)} finished here`
            : ` · ${count(c.queued)} queued · ${count(snapshot.sources.length - c.queued - c.running)}/${count(snapshot.sources.length)} finished`}
          {!summary && !snapshot.fleet && progressText(snapshot.metrics) && <Text bold>{` · ${progressText(snapshot.metrics)}`}</Text>}
          {snapshot.fleet && <Text color={theme.accent}>{` · ${fleetText(snapshot.fleet)}`}</Text>}
        </Text>
      )}
      {lines >= 4 && (
        <Text wrap="truncate">
          {`records ${count(snapshot.records)} (${perSecond(rates.records)}) · bytes ${bytes(snapshot.bytes)} (${bytes(rates.bytes)}/s)`}
          {snapshot.deadLettered > 0 && <Text color={theme.warn}>{` · ${count(snapshot.deadLettered)} dead-lettered`}</Text>}
          {snapshot.retries > 0 && ` · ${count(snapshot.retries)} retries`}
        </Text>
      )}
      {lines >= 4 && <MemoryLine snapshot={snapshot} width={width} />}
    </>
  );
}

/**
 * RSS with its sparkline, heap and event-loop lag; with many sources also the memory one costs,
 * in the first of a few shorter forms that fits the width.
 */
function MemoryLine({ snapshot, width }: { snapshot: Snapshot; width: number }) {
  const theme = useTheme();
  const m = snapshot.metrics;
  const rss = `memory RSS ${m ? bytes(m.rss) : '…'}`;
  const heap = `heap ${m ? bytes(m.heapUsed) : '…'}`;
  const lagText = m ? lag(m.loopLagP99Ms) : '…';
  const cost = memoryPerSource(snapshot);
  const forms = cost
    ? [
        {
          spark: 16,
          heap: true,
          lagLabel: 'event-loop lag p99',
          cost: `per source ≈ ${bytes(cost.each)} (+${bytes(cost.grown)} / ${count(cost.started)} started)`,
        },
        { spark: 8, heap: true, lagLabel: 'lag p99', cost: `per source ≈ ${bytes(cost.each)} (+${bytes(cost.grown)} / ${count(cost.started)} started)` },
        { spark: 8, heap: false, lagLabel: 'lag p99', cost: `per source ≈ ${bytes(cost.each)} (+${bytes(cost.grown)} / ${count(cost.started)})` },
        { spark: 0, heap: false, lagLabel: 'lag', cost: `≈ ${bytes(cost.each)} per source` },
      ]
    : [{ spark: 16, heap: true, lagLabel: 'event-loop lag p99', cost: '' }];
  // Counted at the sparkline's full width, so the form does not change as the history fills up.
  const length = (f: (typeof forms)[number]) =>
    rss.length + (f.spark ? 1 + f.spark : 0) + (f.heap ? 1 + heap.length : 0) + 3 + f.lagLabel.length + 1 + lagText.length + (f.cost ? 3 + f.cost.length : 0);
  const form = forms.find((f) => length(f) <= width) ?? forms.at(-1)!;
  return (
    <Text wrap="truncate">
      {rss}
      {form.spark > 0 && ' '}
      {form.spark > 0 && <Text color={theme.accent}>{sparkline(snapshot.rssHistory, form.spark)}</Text>}
      {form.heap ? ` ${heap} · ` : ' · '}
      {`${form.lagLabel} `}
      <Text color={m && m.loopLagP99Ms >= 50 ? theme.state.failed : undefined}>{lagText}</Text>
      {form.cost && ' · '}
      {form.cost && (
        <Text bold color={theme.accent}>
          {form.cost}
        </Text>
      )}
    </Text>
  );
}
