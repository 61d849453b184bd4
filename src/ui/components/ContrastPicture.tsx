import { Text } from 'ink';
import type { ReactElement } from 'react';
import type { ContrastResult } from '../../pipeline/events.js';
import { safeText } from '../../util/sanitize.js';
import { bytes } from '../format.js';
import { pickVisible } from '../model/layout.js';
import { focusOf, lagText, memoryGrowth } from '../model/lecture.js';
import { busyMs, type Snapshot, type SourceView } from '../model/store.js';
import { useTheme } from '../theme.js';
import { MIN_SPAN_MS, Timeline } from './Timeline.js';

const seconds = (ms: number, slowmo: number) => `${(ms / slowmo / 1000).toFixed(1)} s`;
const grownBy = (r: ContrastResult) => Math.max(0, r.peakRssBytes - (r.baselineRssBytes ?? r.peakRssBytes));

/**
 * The caption of a scene run both ways (--contrast), in the lecture's units: "1.0 s together ·
 * 2.3 s one at a time", "lag 264 ms blocking · lag 4 ms offloaded", "+55 MB streaming · +1.2 GB
 * buffered". Undefined until the contrast has run to its end.
 */
export function contrastCaption(snapshot: Snapshot): string | undefined {
  const result = snapshot.contrast?.result;
  const ways = snapshot.lesson?.contrast;
  if (!result || !ways || !snapshot.summary) return undefined;
  const main = safeText(ways.main, 24);
  const other = safeText(ways.label, 24);
  switch (focusOf(snapshot)) {
    case 'lag':
      return `lag ${lagText(snapshot.summary.maxLoopLagMs)} ${main} · lag ${lagText(result.maxLagMs)} ${other}`;
    case 'memory':
      return `+${bytes(memoryGrowth(snapshot) ?? 0)} ${main} · +${bytes(grownBy(result))} ${other}`;
    default:
      return `${seconds(snapshot.summary.wallMs, snapshot.slowmo || 1)} ${main} · ${seconds(result.wallMs, snapshot.slowmo || 1)} ${other}`;
  }
}

/**
 * The lanes that fit, in configured order; when not all do, the ones that held the event loop
 * first (05's pdf-render: the lane with the point), then the others.
 */
function lanesFor(views: readonly SourceView[], lanes: number): SourceView[] {
  if (views.length <= lanes) return [...views];
  const held = views.filter((v) => v.held && v.held.length > 0);
  return held.length === 0 ? pickVisible(views, lanes) : [...held, ...views.filter((v) => !held.includes(v))].slice(0, lanes);
}

/** A contrast run's lanes as the views the timeline draws. */
function viewsOf(result: ContrastResult): SourceView[] {
  return result.lanes.map((l) => ({
    ...l,
    chunks: 0,
    records: 0,
    bytes: 0,
    persisted: 0,
    deadLettered: 0,
    dropped: 0,
    retries: 0,
  }));
}

/**
 * Both ways of the scene on one time axis: the run's lanes, then the contrast's, each with its
 * label and wall time, the axis drawn once under both (its length the longer run's), in `rows`.
 */
export function ContrastPicture({ snapshot, result, width, rows }: { snapshot: Snapshot; result: ContrastResult; width: number; rows: number }) {
  const theme = useTheme();
  const ways = snapshot.lesson!.contrast!;
  const wall = snapshot.summary?.wallMs ?? snapshot.t;
  const span = Math.max(MIN_SPAN_MS, wall, result.wallMs);
  const theirs = viewsOf(result);
  // Two labels, two totals lines, one axis (2): what is left is shared between the two lane sets.
  const lanes = Math.max(1, Math.floor((rows - 6) / 2));
  // (rows: labels 2, totals 2, axis 2)
  const ours = lanesFor(snapshot.sources, lanes);
  // The same sources in both, lane for lane, so that each pair compares.
  const byName = new Map(theirs.map((v) => [v.name, v]));
  const paired = ours.map((v) => byName.get(v.name)).filter((v): v is SourceView => v !== undefined);
  const other = paired.length === ours.length ? paired : lanesFor(theirs, lanes);
  const nameWidth = [...snapshot.sources, ...theirs].reduce((n, v) => Math.max(n, v.name.length), 6);
  const ioWait = focusOf(snapshot) === 'overlap';
  const slowmo = snapshot.slowmo || 1;
  const total = (ms: number, held: number) => (
    <Text>
      {'wall '}
      <Text bold>{seconds(ms, slowmo)}</Text>
      {held > 0 ? ` · the loop held ▓ ${seconds(held, slowmo)} of it` : ''}
    </Text>
  );
  const heldMs = (intervals: readonly number[]) => intervals.reduce((n, v, i) => n + (i % 2 ? v - intervals[i - 1]! : 0), 0);
  const picture: ReactElement[] = [
    <Text key="main" wrap="truncate" bold color={theme.accent}>{`${safeText(ways.main, 24)} (this run)`}</Text>,
    <Timeline
      key="ours"
      views={ours}
      total={snapshot.sources.length}
      now={wall}
      wall={wall}
      busy={snapshot.summary?.busyMs ?? busyMs(snapshot, wall)}
      width={width}
      rows={ours.length + 1}
      nameWidth={nameWidth}
      runHeld={snapshot.held}
      ioWait={ioWait}
      span={span}
      bare
      totalsLine={total(wall, heldMs(snapshot.held))}
    />,
    <Text key="other" wrap="truncate" bold color={theme.accent}>{`${safeText(ways.label, 24)} (${safeText(ways.flags.join(' '), 24)})`}</Text>,
    <Timeline
      key="theirs"
      views={other}
      total={theirs.length}
      now={result.wallMs}
      wall={result.wallMs}
      busy={0}
      width={width}
      rows={Math.max(other.length + 3, 8)}
      nameWidth={nameWidth}
      runHeld={result.held}
      ioWait={ioWait}
      span={span}
      totalsLine={total(result.wallMs, heldMs(result.held))}
    />,
  ];
  return <>{picture}</>;
}

/** 04 both ways: each one's memory growth on one fixed scale (the larger's), a bar each. */
export function ContrastMemory({ snapshot, result, width }: { snapshot: Snapshot; result: ContrastResult; width: number }) {
  const theme = useTheme();
  const ways = snapshot.lesson!.contrast!;
  const ours = memoryGrowth(snapshot) ?? 0;
  const theirs = grownBy(result);
  const max = Math.max(ours, theirs, 1);
  const cells = Math.max(10, width - 44);
  const line = (label: string, grown: number, peak: number) => (
    <Text key={label} wrap="truncate">
      {`${safeText(label, 24).padEnd(16)} `}
      <Text color={theme.accent}>{'█'.repeat(Math.max(1, Math.round((grown / max) * cells))).padEnd(cells)}</Text>
      {` +${bytes(grown)} · peak ${bytes(peak)}`}
    </Text>
  );
  return (
    <>
      {line(ways.main, ours, snapshot.peakRss ?? 0)}
      {line(ways.label, theirs, result.peakRssBytes)}
    </>
  );
}
