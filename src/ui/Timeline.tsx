import type { ReactElement } from 'react';
import { Box, Text } from 'ink';
import type { SourceState } from '../pipeline/events.js';
import { busyMs, type Snapshot, type SourceView } from '../pipeline/store.js';
import { safeText } from '../util/sanitize.js';
import { count, duration, fit, stateSymbol } from './format.js';
import { pickVisible } from './layout.js';
import { MIN_NOTES_ROWS, NotesPane } from './NotesPane.js';
import { elapsedOf } from './SourceRow.js';
import { useTheme, type Theme } from './theme.js';
import { axis, cellOf, laneOf } from './timeline-geometry.js';

export interface TimelineProps {
  /** The lanes, already chosen by `pickVisible` for `timelinePlan(rows).lanes` rows. */
  views: readonly SourceView[];
  total: number;
  now: number;
  /** Wall and busy time of the run so far. */
  wall: number;
  busy: number;
  /** When the run began to stop (the deadline): a dashed line down the lanes. */
  stoppingAt?: number;
  stopping?: string;
  selected?: string;
  width: number;
  rows: number;
  nameWidth: number;
}

/** How the timeline spends its rows: lanes first, then the totals, the axis and a legend as room allows. */
export function timelinePlan(rows: number) {
  const totals = rows >= 1 ? 1 : 0;
  const legend = rows >= 10 ? 1 : 0;
  const axisLines = rows >= 8 ? 2 : rows >= 4 ? 1 : 0;
  return { legend, axisLines, totals, lanes: Math.max(0, rows - totals - legend - axisLines) };
}

interface Segment {
  text: string;
  color?: string;
  dim?: boolean;
}

const TIME_WIDTH = 7;
export const MIN_SPAN_MS = 1000;

/**
 * The whiteboard drawing of the lecture, live: one lane per source on a shared time axis,
 * ░ while it waits for a slot, █ while it runs (mostly suspended at an await), and a symbol in
 * its state's colour where it ended. Overlapping bars are the concurrency; under them, wall time
 * against busy time (the bars added up) is the speedup.
 */
export function Timeline({ views, total, now, wall, busy, stoppingAt, stopping, selected, width, rows, nameWidth }: TimelineProps) {
  const theme = useTheme();
  const plan = timelinePlan(rows);
  const name = Math.max(4, Math.min(nameWidth, 20, Math.floor(width / 4)));
  const prefix = 3 + name + 1; // marker, symbol, space, name, space
  const cells = Math.max(0, width - prefix - 2 - 1 - TIME_WIDTH);
  // At least a second: in the first moments the bars grow from the left instead of the axis
  // zooming in on a few milliseconds.
  const span = Math.max(MIN_SPAN_MS, now);
  const deadlineAt = stoppingAt !== undefined && stopping === 'deadline' ? cellOf(stoppingAt, span, cells) : undefined;
  const stopped = stopping === undefined ? undefined : stoppingAt;
  const lines: ReactElement[] = [];

  if (plan.legend) {
    const long = `timeline  ░ queued (waiting for a slot)  █ running (awaiting its I/O)  ✔✖⏱⊘ ended${stopped !== undefined ? '  ▒ cleanup after cancel' : ''}${deadlineAt !== undefined ? '  ┆ deadline' : ''}`;
    const words = long.length <= width
      ? { queued: ' queued (waiting for a slot)  ', running: ' running (awaiting its I/O)  ', cleanup: ' cleanup after cancel' }
      : { queued: ' queued  ', running: ' running  ', cleanup: ' cleanup' };
    lines.push(
      <Text key="legend" wrap="truncate">
        <Text bold color={theme.accent}>timeline</Text>
        <Text dimColor={theme.faint}>{`  ░${words.queued}`}</Text>
        <Text color={theme.state.running}>█</Text>
        {words.running}
        {(['done', 'failed', 'timed-out', 'cancelled'] as const).map((s) => (
          <Text key={s} color={theme.state[s]}>{stateSymbol[s]}</Text>
        ))}
        {' ended'}
        {stopped !== undefined && <Text color={theme.state.cancelled}>{`  ▒${words.cleanup}`}</Text>}
        {deadlineAt !== undefined && <Text color={theme.warn}>{'  ┆ deadline'}</Text>}
      </Text>,
    );
  }
  for (const view of views.slice(0, plan.lanes)) {
    const elapsed = elapsedOf(view, now);
    lines.push(
      <Text key={view.name} wrap="truncate" inverse={view.name === selected && theme.inverse}>
        {view.name === selected ? '›' : ' '}
        <Text color={theme.state[view.state]}>{stateSymbol[view.state]}</Text>
        {` ${fit(safeText(view.name), name)} │`}
        {laneSegments(view, now, span, cells, stopped, deadlineAt, theme).map((s, i) => (
          <Text key={i} color={s.color} dimColor={s.dim}>{s.text}</Text>
        ))}
        {`│ ${elapsed === undefined ? '' : fit(duration(elapsed), TIME_WIDTH, 'right')}`}
      </Text>,
    );
  }
  if (plan.axisLines > 0) {
    const { rule, labels } = axis(span, cells);
    const pad = ' '.repeat(prefix);
    if (plan.axisLines === 2) lines.push(<Text key="rule" wrap="truncate" dimColor={theme.faint}>{`${pad}└${rule}┘`}</Text>);
    lines.push(<Text key="labels" wrap="truncate" dimColor={theme.faint}>{`${pad} ${labels}`}</Text>);
  }
  if (plan.totals) {
    const speedup = wall > 0 ? busy / wall : 0;
    lines.push(
      <Text key="totals" wrap="truncate">
        {'wall '}
        <Text bold>{duration(wall)}</Text>
        {' · busy '}
        <Text bold>{duration(busy)}</Text>
        {' (the bars added up) · speedup '}
        <Text bold color={theme.accent}>{`${speedup.toFixed(2)}×`}</Text>
        {deadlineAt !== undefined && stoppingAt !== undefined && <Text color={theme.warn}>{` · deadline at ${duration(stoppingAt)}`}</Text>}
        {total > views.length && ` · ${count(Math.min(views.length, plan.lanes))} of ${count(total)} lanes`}
      </Text>,
    );
  }
  return <>{lines}</>;
}

/** A lane as a few coloured runs of text; the deadline's dashed line shows through where nothing runs. */
function laneSegments(view: SourceView, now: number, span: number, cells: number, stopped: number | undefined, deadlineAt: number | undefined, theme: Theme): Segment[] {
  const lane = laneOf(view, now, span, cells, stopped);
  const state: SourceState = view.state;
  const segments: Segment[] = [
    { text: '░'.repeat(lane.queued), color: theme.state.queued, dim: theme.faint },
    { text: '█'.repeat(lane.running), color: theme.state.running },
    { text: '▒'.repeat(lane.cleanup), color: theme.state.cancelled },
    { text: lane.ended ? stateSymbol[state] : '', color: theme.state[state] },
    { text: ' '.repeat(lane.blank) },
  ];
  if (deadlineAt === undefined) return segments;
  // The deadline column, in the queued or blank run when it falls there.
  let at = deadlineAt;
  for (const [i, s] of segments.entries()) {
    if (at < s.text.length) {
      if (i !== 0 && i !== 4) return segments;
      const mark: Segment = { text: '┆', color: theme.warn };
      segments.splice(i, 1, { ...s, text: s.text.slice(0, at) }, mark, { ...s, text: s.text.slice(at + 1) });
      return segments;
    }
    at -= s.text.length;
  }
  return segments;
}

/**
 * The finished run's timeline as it stays on the terminal above the summary table (when the
 * dashboard closed on the timeline): the whiteboard picture, with the last notes under it.
 */
export function FinalTimeline({ snapshot, width, maxLanes = 30 }: { snapshot: Snapshot; width: number; maxLanes?: number }) {
  const wall = snapshot.summary?.wallMs ?? snapshot.t;
  const views = pickVisible(snapshot.sources, maxLanes);
  const nameWidth = views.reduce((n, v) => Math.max(n, v.name.length), 6);
  const notes = Math.min(8, snapshot.notes.length);
  return (
    <Box flexDirection="column" width={width}>
      <Timeline
        views={views} total={snapshot.sources.length} now={wall} wall={wall} busy={snapshot.summary?.busyMs ?? busyMs(snapshot, wall)}
        stoppingAt={snapshot.stoppingAt} stopping={snapshot.stopping} width={width} rows={Math.max(10, views.length + 4)} nameWidth={nameWidth}
      />
      {notes > 0 && <Text> </Text>}
      {notes > 0 && <NotesPane notes={snapshot.notes} rows={Math.max(MIN_NOTES_ROWS, notes + 1)} nameWidth={nameWidth} />}
    </Box>
  );
}
