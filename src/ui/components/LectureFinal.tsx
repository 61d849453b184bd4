import { Box, Text } from 'ink';
import type { ReactElement } from 'react';
import { safeText } from '../../util/sanitize.js';
import { groupSources } from '../model/groups.js';
import { pickVisible, rowColumns } from '../model/layout.js';
import { captionOf, focusOf } from '../model/lecture.js';
import { busyMs, type Snapshot } from '../model/store.js';
import { totalLines } from '../report/summary-table.js';
import { Caption } from './Caption.js';
import { ConnectionProof } from './ConnectionProof.js';
import { ContrastMemory, ContrastPicture, contrastCaption } from './ContrastPicture.js';
import { GroupBlock } from './GroupBlock.js';
import { NotesPane } from './NotesPane.js';
import { LagScaleLine, MemoryScaleLine, ThreadsLine } from './ScaleLines.js';
import { SceneTotals } from './SceneTotals.js';
import { SourceList } from './SourceList.js';
import { Timeline } from './Timeline.js';

/** The final picture's height at most: a 24-row terminal, its last row left for the prompt. */
export const FINAL_ROWS = 23;

/**
 * What a lecture scene leaves on the terminal when it is over, in place of the dashboard and the
 * per-source table: its title, its caption, the picture that shows its point (the timeline of the
 * overlap, the cleanup or the frozen loop; the connections' proof; memory on its fixed scale; ten
 * thousand sources counted per state) and the run's totals, all in `width` columns and `rows` (23)
 * rows. The dashboard shows it too, above its footer, while the scene stays open after its end.
 */
export function LectureFinal({ snapshot, width, rows = FINAL_ROWS }: { snapshot: Snapshot; width: number; rows?: number }) {
  const focus = focusOf(snapshot)!;
  const summary = snapshot.summary;
  const wall = summary?.wallMs ?? snapshot.t;
  const busy = summary?.busyMs ?? busyMs(snapshot, wall);
  const contrast = snapshot.contrast?.result;
  const caption = contrastCaption(snapshot) ?? captionOf(snapshot, wall);
  // Busy time and speedup only where they are the point (or harmless): not for memory, lag or c10k.
  const totals = summary ? totalLines(summary, width, { busy: focus === 'overlap' || focus === 'cancel' || focus === 'cleanup' }) : [];
  const nameWidth = snapshot.sources.reduce((n, v) => Math.max(n, v.name.length), 6);
  const picture: ReactElement[] = [];
  // What the title, caption, gaps and totals leave for the picture.
  const room = rows - 2 - 2 - totals.length;

  if (focus === 'memory') {
    const views = pickVisible(snapshot.sources, Math.max(1, room - 3 - (contrast ? 3 : 0)));
    picture.push(
      <SourceList key="rows" views={views} now={wall} columns={rowColumns(width, nameWidth)} columnHeader />,
      <MemoryScaleLine key="memory" snapshot={snapshot} width={width} />,
    );
    if (contrast) picture.push(<Text key="gap-c"> </Text>, <ContrastMemory key="contrast" snapshot={snapshot} result={contrast} width={width} />);
  } else if (contrast && focus !== 'in-flight') {
    // --contrast: both ways on one time axis, in place of the run's timeline alone.
    const extra = focus === 'lag' ? 2 : 0;
    picture.push(<ContrastPicture key="contrast" snapshot={snapshot} result={contrast} width={width} rows={room - extra} />);
    if (focus === 'lag') picture.push(<Text key="gap"> </Text>, <LagScaleLine key="lag" snapshot={snapshot} width={width} />);
  } else if (focus === 'in-flight') {
    const { groups, rest } = groupSources(snapshot.sources);
    const one = groups.length === 1 && rest.length === 0;
    for (const g of groups) picture.push(<GroupBlock key={g.stem} group={g} width={width} rows={8} peakRunning={one ? snapshot.peakRunning : undefined} />);
    if (groups.length === 0)
      picture.push(
        <SourceList key="rows" views={pickVisible(snapshot.sources, Math.max(1, room - 4))} now={wall} columns={rowColumns(width, nameWidth)} columnHeader />,
      );
    picture.push(<ThreadsLine key="threads" snapshot={snapshot} />, <LagScaleLine key="lag" snapshot={snapshot} width={width} />);
  } else {
    // The timeline: as many lanes as leave room for its legend, axis and totals, and what the scene adds.
    const extra = focus === 'cleanup' ? snapshot.sources.length + 1 : focus === 'lag' ? 2 : focus === 'cancel' ? Math.min(4, snapshot.notes.length + 1) + 1 : 0;
    const lanes = Math.max(1, Math.min(snapshot.sources.length, room - 4 - extra));
    const views = pickVisible(snapshot.sources, lanes);
    picture.push(
      <Timeline
        key="timeline"
        views={views}
        total={snapshot.sources.length}
        now={wall}
        wall={wall}
        busy={busy}
        width={width}
        rows={Math.max(10, lanes + 4)}
        nameWidth={nameWidth}
        stoppingAt={snapshot.stoppingAt}
        stopping={snapshot.stopping}
        runHeld={snapshot.held}
        ioWait={focus === 'overlap' || focus === 'cancel'}
        totalsLine={<SceneTotals snapshot={snapshot} focus={focus} wall={wall} busy={busy} />}
      />,
    );
    if (focus === 'cleanup') picture.push(<Text key="gap"> </Text>, <ConnectionProof key="proof" views={views} width={width} nameWidth={nameWidth} />);
    if (focus === 'lag') picture.push(<Text key="gap"> </Text>, <LagScaleLine key="lag" snapshot={snapshot} width={width} />);
    if (focus === 'cancel' && snapshot.notes.length > 0) {
      picture.push(
        <Text key="gap"> </Text>,
        <NotesPane key="notes" notes={snapshot.notes} rows={Math.min(4, snapshot.notes.length + 1)} nameWidth={nameWidth} />,
      );
    }
  }
  return (
    <Box flexDirection="column" width={width}>
      {snapshot.lesson && <Text wrap="truncate" bold>{`Lesson ${safeText(snapshot.lesson.title)}`}</Text>}
      {caption !== undefined && <Caption text={caption} />}
      <Text> </Text>
      {picture}
      <Text> </Text>
      {totals.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a line of the screen is identified by its position
        <Text key={`total-${i}`} wrap="truncate">
          {line}
        </Text>
      ))}
    </Box>
  );
}
