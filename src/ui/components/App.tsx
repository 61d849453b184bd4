import { Box, Text } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import { type ControlChannel, localControls } from '../dashboard/controls.js';
import { type DashboardView, useDashboardKeys } from '../hooks/use-dashboard-keys.js';
import { useFlashMessage } from '../hooks/use-flash-message.js';
import { useGroups } from '../hooks/use-groups.js';
import { useRates } from '../hooks/use-rates.js';
import { type SnapshotSource, useSnapshot } from '../hooks/use-snapshot.js';
import { useTerminalSize } from '../hooks/use-terminal-size.js';
import { useTwinRun } from '../hooks/use-twin-run.js';
import { needsRow } from '../model/groups.js';
import { pickVisible, planHeight, rowColumns } from '../model/layout.js';
import { focusOf as sceneFocus } from '../model/lecture.js';
import { ourAccount } from '../model/our-account.js';
import { busyMs, type Snapshot, type SourceView } from '../model/store.js';
import { AggregateLine } from './AggregateLine.js';
import { Footer } from './Footer.js';
import { GROUP_LINES, GroupBlock } from './GroupBlock.js';
import { Header } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import { FINAL_ROWS, LectureFinal } from './LectureFinal.js';
import { LectureHeader } from './LectureHeader.js';
import { LessonOverlay } from './LessonOverlay.js';
import { MIN_NOTES_ROWS, NotesPane } from './NotesPane.js';
import { SceneTotals } from './SceneTotals.js';
import { SourceList } from './SourceList.js';
import { Timeline, timelinePlan } from './Timeline.js';

export interface AppProps {
  store: SnapshotSource;
  /** The run's controls; without them (a warm-up, a bench) every request is answered: no run. */
  controls?: ControlChannel;
  replay?: boolean;
  /** A viewer of a run elsewhere (`ingest-tui attach`): q and Ctrl-C leave it, X stops the run. */
  attached?: boolean;
  /** Render nothing: the last frame before unmounting, so the summary replaces the dashboard. */
  hidden?: boolean;
  forceExit(): void;
  /** Wall clock (epoch ms); tests pass a fixed one. */
  clock?: () => number;
  /** Told the view on screen, so the dashboard can leave the timeline above the summary. */
  onView?(view: DashboardView): void;
}

/** Run time now, ms: the clock between events, the recorded wall time once the run is over. */
function runTime(snapshot: Snapshot, clock: () => number): number {
  if (snapshot.summary) return snapshot.summary.wallMs;
  if (snapshot.paused || snapshot.starting) return snapshot.t; // time stands still, on screen too
  return Math.max(snapshot.t, clock() - snapshot.startedAtEpochMs);
}

/** Over all sources, not the visible ones: columns stay put when other rows come into view. */
function longestName(sources: Snapshot['sources']): number {
  let longest = 6;
  for (const view of sources) longest = Math.max(longest, view.name.length);
  return longest;
}

/** Whose code the lesson shows: the selected source, else the first running one, else the first. */
function focusOf(sources: readonly SourceView[], selected: string | undefined): SourceView | undefined {
  return (selected === undefined ? undefined : sources.find((v) => v.name === selected)) ?? sources.find((v) => v.state === 'running') ?? sources[0];
}

const NO_RUN = localControls(() => undefined);

/** Below this, the final picture would be cut to nothing useful: the usual views instead. */
const FINALE_MIN_ROWS = 14;

/** The notes pane takes what the rows leave free, after a blank line, up to ten lines. */
const notesRoom = (free: number) => (free - 1 >= MIN_NOTES_ROWS ? Math.min(10, free - 1) : 0);

export function App({ store, controls = NO_RUN, replay, attached, hidden, forceExit, clock = Date.now, onView }: AppProps) {
  const snapshot = useSnapshot(store);
  const { columns, rows } = useTerminalSize();
  const [selected, setSelected] = useState<string>();
  const [chosen, setView] = useState<DashboardView>();
  const focus = sceneFocus(snapshot);
  // A lecture scene that is over stays on screen (until q) on its final picture, in place of the rows.
  const finale = focus !== undefined && snapshot.summary !== undefined;
  // Until a key picks one, the view the scenario opens on (its lesson says which), else the rows;
  // once the scene is over, its final picture (a view a key picked stays).
  const opening = finale ? 'rows' : (snapshot.lesson?.view ?? 'rows');
  const view = chosen ?? opening;
  useEffect(() => onView?.(view), [view, onView]);
  const [message, say] = useFlashMessage();
  const rates = useRates(snapshot);
  const nameWidth = useMemo(() => longestName(snapshot.sources), [snapshot.sources, snapshot.sources.length]);
  const now = runTime(snapshot, clock);
  const plan = planHeight(rows);
  // One column short of the width too: a line that fills the last column wraps on some terminals.
  const width = Math.max(1, columns - 1);
  // Between the header and the counts line: the rows (with their column header), or a view in their place.
  // A lecture scene's lesson view keeps the header's first line and the caption: the code needs the rows.
  const headerLines = view === 'lesson' && focus !== undefined ? Math.min(2, plan.headerLines) : plan.headerLines;
  const body = plan.listRows + (plan.columnHeader ? 1 : 0) + plan.headerLines - headerLines;
  const lanes = timelinePlan(body).lanes;
  // Thousands of identical sources take a block each instead of their rows; the others keep theirs.
  const { groups, rest } = useGroups(snapshot.sources);
  const groupRows = view === 'rows' ? Math.min(plan.listRows, groups.length * GROUP_LINES) : 0;
  const rowSources = view === 'rows' && groups.length > 0 ? [...rest, ...groups.flatMap((g) => g.members.filter(needsRow))] : snapshot.sources;
  const listRows = plan.listRows - groupRows - (groupRows > 0 && rowSources.length > 0 ? 1 : 0);
  const visible = pickVisible(rowSources, view === 'timeline' ? lanes : listRows, selected);
  const [twinRun, toggleTwin] = useTwinRun(snapshot.lesson?.twin?.program);
  const keysWork = useDashboardKeys({
    store,
    controls,
    visible: visible.map((v) => v.name),
    selected,
    select: setSelected,
    toggleView: (next) => setView((v) => ((v ?? opening) === next ? 'rows' : next)),
    closeView: () => setView('rows'),
    runTwin: view === 'lesson' ? (snapshot.lesson?.twin ? toggleTwin : () => say('no twin.py beside this scenario')) : undefined,
    say,
    forceExit,
    attached,
  });
  if (hidden || !plan.aggregate || snapshot.sources.length === 0) return null;
  const footer = plan.footer && (
    <Footer
      replay={replay}
      attached={attached}
      keysWork={keysWork}
      stopping={snapshot.stopping}
      paused={snapshot.paused}
      finished={snapshot.summary !== undefined}
      finale={finale}
      contrasting={snapshot.contrast?.state === 'running' ? snapshot.contrast.label : undefined}
      message={message}
      width={width}
    />
  );
  // The final picture with the footer under it, a row short of the screen (see layout.ts).
  if (finale && view === 'rows' && rows - 2 >= FINALE_MIN_ROWS) {
    return (
      <Box flexDirection="column" width={width}>
        <LectureFinal snapshot={snapshot} width={width} rows={Math.min(FINAL_ROWS, rows - 2)} />
        {footer}
      </Box>
    );
  }
  const cols = rowColumns(width, nameWidth);
  const notes = (free: number) => <NotesPane notes={snapshot.notes} rows={notesRoom(free)} selected={selected} nameWidth={nameWidth} />;
  const gap = (free: number) => notesRoom(free) > 0 && snapshot.notes.length > 0 && <Text> </Text>;
  return (
    <Box flexDirection="column" width={width}>
      {plan.headerLines > 0 && focus === undefined && (
        <Header snapshot={snapshot} now={now} rates={rates} lines={plan.headerLines} replay={replay} width={width} />
      )}
      {headerLines > 0 && focus !== undefined && <LectureHeader snapshot={snapshot} now={now} lines={headerLines} replay={replay} width={width} />}
      {view === 'help' && <HelpOverlay rows={body} replay={replay} attached={attached} />}
      {view === 'lesson' && (
        <LessonOverlay
          lesson={snapshot.lesson}
          focus={focusOf(snapshot.sources, selected)}
          rows={body}
          width={width}
          twin={snapshot.lesson?.twin && { recorded: snapshot.lesson.twin.recorded, live: twinRun, ours: ourAccount(snapshot, now) }}
        />
      )}
      {view === 'timeline' && (
        <>
          <Timeline
            views={visible}
            total={snapshot.sources.length}
            now={now}
            width={width}
            rows={body}
            nameWidth={nameWidth}
            selected={selected}
            wall={snapshot.summary?.wallMs ?? now}
            busy={snapshot.summary?.busyMs ?? busyMs(snapshot, now)}
            stoppingAt={snapshot.stoppingAt}
            stopping={snapshot.stopping}
            runHeld={snapshot.held}
            ioWait={focus === undefined || focus === 'overlap' || focus === 'cancel'}
            totalsLine={
              focus && (
                <SceneTotals
                  snapshot={snapshot}
                  focus={focus}
                  wall={snapshot.summary?.wallMs ?? now}
                  busy={snapshot.summary?.busyMs ?? busyMs(snapshot, now)}
                />
              )
            }
          />
          {gap(lanes - visible.length)}
          {notes(lanes - visible.length)}
        </>
      )}
      {view === 'rows' && groups.length > 0 && (
        <>
          {plan.columnHeader && <Text> </Text>}
          {groups.map((group, i) => (
            <GroupBlock
              key={`${group.kind}:${group.stem}`}
              group={group}
              width={width}
              peakRunning={groups.length === 1 && rest.length === 0 ? snapshot.peakRunning : undefined}
              rows={Math.max(0, Math.min(GROUP_LINES, groupRows - i * GROUP_LINES))}
            />
          ))}
          {visible.length > 0 && <Text> </Text>}
          {visible.length > 0 && <SourceList views={visible} now={now} columns={cols} selected={selected} columnHeader={false} />}
        </>
      )}
      {view === 'rows' && groups.length === 0 && (
        <>
          <SourceList views={visible} now={now} columns={cols} selected={selected} columnHeader={plan.columnHeader} />
          {gap(plan.listRows - visible.length)}
          {notes(plan.listRows - visible.length)}
        </>
      )}
      <AggregateLine
        counts={snapshot.counts}
        total={snapshot.sources.length}
        shown={(view === 'rows' && groups.length > 0) || view === 'lesson' || view === 'help' ? snapshot.sources.length : visible.length}
        width={width}
      />
      {footer}
    </Box>
  );
}
