import { Box, Text } from 'ink';
import type { ReactElement } from 'react';
import type { SourceState } from '../../pipeline/events.js';
import { safeText } from '../../util/sanitize.js';
import { count, duration, fit, stateSymbol } from '../format.js';
import { pickVisible } from '../model/layout.js';
import { busyMs, type Snapshot, type SourceView } from '../model/store.js';
import { axis, type CellKind, cellOf, coverage, type LaneContext, laneCells } from '../model/timeline-geometry.js';
import { type Theme, useTheme } from '../theme.js';
import { MIN_NOTES_ROWS, NotesPane } from './NotesPane.js';
import { elapsedOf } from './SourceRow.js';

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
  /** When any source held the event loop (Snapshot.held): the other lanes were frozen then. */
  runHeld?: readonly number[];
  /** Whether the legend may call running "awaiting its I/O" (not for CPU-bound streaming). */
  ioWait?: boolean;
  /** The line under the axis, when the scene is about something else than wall against busy. */
  totalsLine?: ReactElement;
  /** The axis's length, ms, when it is shared with another run's lanes (--contrast); else the run's time so far. */
  span?: number;
  /** Lanes and totals only: no legend, no axis (a contrast's first run, whose axis the second one draws). */
  bare?: boolean;
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
  bold?: boolean;
}

const TIME_WIDTH = 7;
export const MIN_SPAN_MS = 1000;

/** The glyph of each kind of cell (end markers take their state's symbol). */
export const GLYPH: Record<Exclude<CellKind, 'end'>, string> = { queued: '░', connect: '▂', run: '█', held: '▓', frozen: '─', cleanup: '▒', blank: ' ' };

function style(kind: CellKind, state: SourceState, theme: Theme): Omit<Segment, 'text'> {
  switch (kind) {
    case 'queued':
      return { color: theme.state.queued, dim: theme.faint };
    case 'connect':
    case 'run':
      return { color: theme.state.running };
    case 'held':
      return { color: theme.state.failed, bold: true };
    case 'frozen':
      return { color: theme.muted, dim: theme.faint };
    case 'cleanup':
      return { color: theme.state.cancelled };
    case 'end':
      return { color: theme.state[state] };
    case 'blank':
      return {};
  }
}

/**
 * The whiteboard drawing of the lecture, live: one lane per source on a shared time axis,
 * ░ while it waits for a slot, █ while it runs (mostly suspended at an await), ▓ while it holds
 * the event loop and ─ while another one does, ▒ while it cleans up after its cancel (or closes),
 * and a symbol in its state's colour where it ended. Overlapping bars are the concurrency; under
 * them, wall time against busy time (the bars added up) is the speedup, unless the caller says
 * what else the totals line should say.
 */
export function Timeline({
  views,
  total,
  now,
  wall,
  busy,
  stoppingAt,
  stopping,
  selected,
  width,
  rows,
  nameWidth,
  runHeld,
  ioWait = true,
  totalsLine,
  span: shared,
  bare,
}: TimelineProps) {
  const theme = useTheme();
  const plan = bare ? { legend: 0, axisLines: 0, totals: 1, lanes: Math.max(0, rows - 1) } : timelinePlan(rows);
  const name = Math.max(4, Math.min(nameWidth, 20, Math.floor(width / 4)));
  const prefix = 3 + name + 1; // marker, symbol, space, name, space
  const cells = Math.max(0, width - prefix - 2 - 1 - TIME_WIDTH);
  // At least a second: in the first moments the bars grow from the left instead of the axis
  // zooming in on a few milliseconds.
  const span = shared ?? Math.max(MIN_SPAN_MS, now);
  const deadlineAt = stoppingAt !== undefined && stopping === 'deadline' ? cellOf(stoppingAt, span, cells) : undefined;
  const context: LaneContext = { now, span, cells, stoppedAt: stopping === undefined ? undefined : stoppingAt, runHeld };
  const runCover = runHeld && runHeld.length > 0 ? coverage(runHeld, span, cells) : undefined;
  const shown = views.slice(0, plan.lanes);
  const lanes = shown.map((view) => laneCells(view, context, runCover));
  const drawn = new Set(lanes.flat());
  const closes = shown.some((v) => v.marks?.closing !== undefined);
  const lines: ReactElement[] = [];

  if (plan.legend)
    lines.push(<Legend key="legend" drawn={drawn} closes={closes} deadline={deadlineAt !== undefined} ioWait={ioWait && !drawn.has('held')} width={width} />);
  for (const [i, view] of shown.entries()) {
    const elapsed = elapsedOf(view, now);
    lines.push(
      <Text key={view.name} wrap="truncate" inverse={view.name === selected && theme.inverse}>
        {view.name === selected ? '›' : ' '}
        <Text color={theme.state[view.state]}>{stateSymbol[view.state]}</Text>
        {` ${fit(safeText(view.name), name)} │`}
        {segments(lanes[i]!, view.state, deadlineAt, theme).map((s, j) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a segment of a lane is identified by its position
          <Text key={j} color={s.color} dimColor={s.dim} bold={s.bold}>
            {s.text}
          </Text>
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
    const lanesNote = total > views.length ? ` · ${count(Math.min(views.length, plan.lanes))} of ${count(total)} lanes` : '';
    lines.push(
      totalsLine ? (
        <Text key="totals" wrap="truncate">
          {totalsLine}
          {lanesNote}
        </Text>
      ) : (
        <Text key="totals" wrap="truncate">
          {'wall '}
          <Text bold>{duration(wall)}</Text>
          {' · busy '}
          <Text bold>{duration(busy)}</Text>
          {' (the bars added up) · speedup '}
          <Text bold color={theme.accent}>{`${speedup.toFixed(2)}×`}</Text>
          {deadlineAt !== undefined && stoppingAt !== undefined && <Text color={theme.warn}>{` · deadline at ${duration(stoppingAt)}`}</Text>}
          {lanesNote}
        </Text>
      ),
    );
  }
  return <>{lines}</>;
}

/** What the glyphs mean, only those on screen, in words that fit the width. */
function Legend({ drawn, closes, deadline, ioWait, width }: { drawn: Set<CellKind>; closes: boolean; deadline: boolean; ioWait: boolean; width: number }) {
  const theme = useTheme();
  const all = [
    { glyph: '░', long: 'queued (waiting for a slot)', short: 'queued', show: true, color: theme.state.queued, dim: theme.faint },
    { glyph: GLYPH.connect, long: 'connecting', short: 'connect', show: drawn.has('connect'), color: theme.state.running },
    {
      glyph: '█',
      long: ioWait ? 'running (awaiting its I/O)' : closes ? 'reading rows' : 'running',
      short: closes ? 'rows' : 'running',
      show: true,
      color: theme.state.running,
    },
    { glyph: GLYPH.held, long: 'holding the loop (CPU)', short: 'holds the loop', show: drawn.has('held'), color: theme.state.failed },
    { glyph: GLYPH.frozen, long: 'frozen (the loop is held)', short: 'frozen', show: drawn.has('frozen'), color: theme.muted },
    {
      glyph: GLYPH.cleanup,
      long: closes ? 'closing' : 'cleanup after cancel',
      short: closes ? 'close' : 'cleanup',
      show: drawn.has('cleanup'),
      color: theme.state.cancelled,
    },
    { glyph: '✔✖⏱⊘', long: 'ended', short: 'ended', show: true },
    { glyph: '┆', long: 'deadline', short: 'deadline', show: deadline, color: theme.warn },
  ].filter((e) => e.show);
  // Long words where they fit; the least telling ones go short first.
  const short = new Set<string>();
  const length = () => 'timeline'.length + all.reduce((n, e) => n + 2 + e.glyph.length + 1 + (short.has(e.glyph) ? e.short : e.long).length, 0);
  for (const glyph of [GLYPH.frozen, '░', '█', GLYPH.connect, GLYPH.cleanup, GLYPH.held]) if (length() > width) short.add(glyph);
  const list = all.map((e) => ({ ...e, words: short.has(e.glyph) ? e.short : e.long }));
  return (
    <Text wrap="truncate">
      <Text bold color={theme.accent}>
        timeline
      </Text>
      {list.map((e) =>
        e.glyph === '✔✖⏱⊘' ? (
          <Text key={e.glyph}>
            {'  '}
            {(['done', 'failed', 'timed-out', 'cancelled'] as const).map((s) => (
              <Text key={s} color={theme.state[s]}>
                {stateSymbol[s]}
              </Text>
            ))}
            {` ${e.words}`}
          </Text>
        ) : (
          <Text key={e.glyph}>
            {'  '}
            <Text color={e.color} dimColor={e.dim}>
              {e.glyph}
            </Text>
            <Text dimColor={e.dim}>{` ${e.words}`}</Text>
          </Text>
        ),
      )}
    </Text>
  );
}

/** A lane's cells as a few coloured runs of text; the deadline's dashed line shows through where nothing runs. */
function segments(cells: CellKind[], state: SourceState, deadlineAt: number | undefined, theme: Theme): Segment[] {
  const out: Segment[] = [];
  for (const [c, kind] of cells.entries()) {
    const dashed = c === deadlineAt && (kind === 'queued' || kind === 'blank');
    const text = dashed ? '┆' : kind === 'end' ? stateSymbol[state] : GLYPH[kind];
    const look = dashed ? { color: theme.warn } : style(kind, state, theme);
    const last = out.at(-1);
    if (last && last.color === look.color && last.dim === look.dim && last.bold === look.bold && !dashed && last.text.at(-1) !== '┆' && kind !== 'end')
      last.text += text;
    else out.push({ text, ...look });
  }
  return out;
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
        views={views}
        total={snapshot.sources.length}
        now={wall}
        wall={wall}
        busy={snapshot.summary?.busyMs ?? busyMs(snapshot, wall)}
        stoppingAt={snapshot.stoppingAt}
        stopping={snapshot.stopping}
        width={width}
        rows={Math.max(10, views.length + 4)}
        nameWidth={nameWidth}
        runHeld={snapshot.held}
      />
      {notes > 0 && <Text> </Text>}
      {notes > 0 && <NotesPane notes={snapshot.notes} rows={Math.max(MIN_NOTES_ROWS, notes + 1)} nameWidth={nameWidth} />}
    </Box>
  );
}
