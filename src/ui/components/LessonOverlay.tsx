import { Text } from 'ink';
import type { ReactElement } from 'react';
import type { Lesson } from '../../pipeline/events.js';
import { safeText } from '../../util/sanitize.js';
import { stateLabel, stateSymbol } from '../format.js';
import { kindSourcePath, kindSourceText, listing, type PointLines, pointLines } from '../model/source-listing.js';
import type { SourceView } from '../model/store.js';
import { useTheme } from '../theme.js';
import { type TwinPaneInput, twinPaneLines } from './TwinPane.js';

export interface LessonOverlayProps {
  lesson?: Lesson;
  /** The source whose kind's code is shown: the selected one, else one that runs. */
  focus?: SourceView;
  rows: number;
  width: number;
  /** The Python twin's output (recorded, or live after y) and this run's account, when the scenario ships a twin. */
  twin?: Omit<TwinPaneInput, 'width' | 'theme'>;
}

/** The twin pane's height at most: its header and the longest twin.out (01's eight lines). */
const TWIN_ROWS = 10;

/** Word-wrap to `width` columns, at most `max` lines (the last one cut with …). */
function wrap(text: string, width: number, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  if (lines.length > max) {
    const last = lines[max - 1]!;
    lines.length = max;
    lines[max - 1] = `${last.slice(0, Math.max(0, width - 1))}…`;
  }
  return lines;
}

/**
 * The lesson of the scenario: its JavaScript construct next to the asyncio twin, what to take
 * away, and the source kind's own code with the lines that await or yield picked out: there the
 * source hands the event loop back, and there a cancellation lands.
 * Replaces the source rows while open, in the same number of lines or fewer.
 */
export function LessonOverlay({ lesson, focus, rows, width, twin }: LessonOverlayProps) {
  const theme = useTheme();
  const head: ReactElement[] = [];
  let takeaway: string[] = [];
  let code: ReactElement[] = [];
  let points: ReactElement[] = [];
  let twinLines: ReactElement[] = [];
  if (lesson) {
    head.push(
      <Text key="title" wrap="truncate" bold color={theme.accent}>{`Lesson ${safeText(lesson.title)}`}</Text>,
      <Twins key="twins" js={safeText(lesson.js)} asyncio={safeText(lesson.asyncio)} width={width} />,
    );
    takeaway = wrap(`→ ${safeText(lesson.takeaway)}`, Math.max(10, width - 2), 2);
    code = codeLines(lesson, width, theme.muted, theme.faint);
    points = lesson.points ? pointElements(pointLines(lesson.points), theme) : [];
  } else {
    head.push(
      <Text key="title" wrap="truncate" bold color={theme.accent}>
        {'No lesson for these sources'}
      </Text>,
      <Text key="hint" wrap="truncate" dimColor={theme.faint}>
        {'  a "lesson" in the directory\'s ingest.json adds one (see fixtures/lecture)'}
      </Text>,
    );
  }
  let left = rows - head.length;
  const minListing = 5;
  let gap = 0;
  if (points.length > 0) {
    // The snippets, then the lines of the package that carry the point; the takeaway and the
    // whole listing only where there is room left for them.
    if (code.length > left) code = [];
    left -= code.length;
    points = points.slice(0, Math.max(0, left));
    left -= points.length;
    if (takeaway.length > left) takeaway = left > 0 ? wrap(`→ ${safeText(lesson!.takeaway)}`, Math.max(10, width - 2), left) : [];
    left -= takeaway.length;
    // The twin's output next to ours before the kind's whole listing: the points already show its waits.
    twinLines = twin ? twinPaneLines({ ...twin, width, theme }, Math.min(left, TWIN_ROWS)) : [];
    left -= twinLines.length;
    if (left < minListing + 1) left = 0;
    else {
      gap = 1;
      left -= 1;
    }
  } else {
    // Rows: the title lines always, the listing next, then the takeaway, then the code side by side.
    if (left - takeaway.length < minListing) takeaway = takeaway.slice(0, Math.max(0, Math.min(1, left - minListing)));
    left -= takeaway.length;
    if (left - code.length - 1 < minListing + 3) code = [];
    left -= code.length;
    twinLines = twin ? twinPaneLines({ ...twin, width, theme }, Math.min(left - minListing - 1, TWIN_ROWS)) : [];
    left -= twinLines.length;
    gap = left > minListing + 1 ? 1 : 0;
    left -= gap;
  }

  const lines = [
    ...head,
    ...code,
    ...takeaway.map((line, i) => (
      // biome-ignore lint/suspicious/noArrayIndexKey: a line of the screen is identified by its position
      <Text key={`take-${i}`} wrap="truncate" italic>{`  ${line}`}</Text>
    )),
    ...points,
    ...twinLines,
    ...(gap ? [<Text key="gap"> </Text>] : []),
    // With the points on screen, a few lines of a listing cut short ("… 9 more lines") add
    // nothing: the listing whole, or in a window big enough to read the generator in.
    ...listingLines(focus, left, theme, points.length > 0 && left < 12),
  ];
  return <>{lines.slice(0, Math.max(0, rows))}</>;
}

/** "JavaScript X  ↔  asyncio Y", or without the two labels when that is too wide. */
function Twins({ js, asyncio, width }: { js: string; asyncio: string; width: number }) {
  const theme = useTheme();
  const labelled = `  JavaScript ${js}  ↔  asyncio ${asyncio}`.length <= width;
  return (
    <Text wrap="truncate">
      {labelled ? '  JavaScript ' : '  '}
      <Text bold>{js}</Text>
      <Text color={theme.accent}>{labelled ? '  ↔  ' : ' ↔ '}</Text>
      {labelled ? 'asyncio ' : ''}
      <Text bold>{asyncio}</Text>
    </Text>
  );
}

/** The lesson's points, a line naming each file and then its lines, numbered, the waits marked. */
function pointElements(files: PointLines[], theme: ReturnType<typeof useTheme>): ReactElement[] {
  const numberWidth = String(Math.max(1, ...files.flatMap((f) => f.lines.map((l) => l.no)))).length;
  return files.flatMap((file) => [
    <Text key={`pf-${file.path}`} wrap="truncate">
      {'  '}
      <Text bold>{file.path}</Text>
      <Text dimColor={theme.faint}>{' · the lines that carry it'}</Text>
    </Text>,
    ...file.lines.map((line) => (
      <Text key={`p-${file.path}-${line.no}`} wrap="truncate">
        <Text dimColor={theme.faint} color={theme.muted}>{`${String(line.no).padStart(numberWidth + 1)} `}</Text>
        <Text color={theme.warn} bold>
          {line.pause ? '›' : ' '}
        </Text>
        <Text bold={line.pause} color={line.pause ? theme.warn : undefined}>{` ${line.text}`}</Text>
      </Text>
    )),
  ]);
}

/** The two snippets next to each other when they fit, else one under the other. */
function codeLines(lesson: Lesson, width: number, muted: string | undefined, faint: boolean): ReactElement[] {
  if (!lesson.code) return [];
  const js = lesson.code.js.map((l) => safeText(l));
  const py = lesson.code.asyncio.map((l) => safeText(l));
  const jsWidth = Math.max(...js.map((l) => l.length));
  const pyWidth = Math.max(...py.map((l) => l.length));
  if (4 + jsWidth + 3 + pyWidth <= width) {
    return Array.from({ length: Math.max(js.length, py.length) }, (_, i) => (
      // biome-ignore lint/suspicious/noArrayIndexKey: a line of the screen is identified by its position
      <Text key={`code-${i}`} wrap="truncate">
        {`    ${(js[i] ?? '').padEnd(jsWidth)}`}
        <Text color={muted} dimColor={faint}>
          {' │ '}
        </Text>
        {py[i] ?? ''}
      </Text>
    ));
  }
  return [
    ...js.map((l, i) => (
      // biome-ignore lint/suspicious/noArrayIndexKey: a line of the screen is identified by its position
      <Text key={`js-${i}`} wrap="truncate">{`  js  ${l}`}</Text>
    )),
    ...py.map((l, i) => (
      // biome-ignore lint/suspicious/noArrayIndexKey: a line of the screen is identified by its position
      <Text key={`py-${i}`} wrap="truncate">{`  py  ${l}`}</Text>
    )),
  ];
}

function listingLines(focus: SourceView | undefined, rows: number, theme: ReturnType<typeof useTheme>, whole = false): ReactElement[] {
  if (rows <= 0 || !focus) return [];
  const kind = safeText(focus.kind, 40);
  const text = kindSourceText(focus.kind);
  const what = `${safeText(focus.name, 40)} ${stateSymbol[focus.state]} ${stateLabel[focus.state]}, a ${kind} source`;
  if (text === undefined) {
    return [<Text key="src" wrap="truncate" dimColor={theme.faint}>{`${what}; its code (${kindSourcePath(kind)}) is not in this package`}</Text>];
  }
  const shown = listing(text, kindSourcePath(focus.kind), rows - 1);
  if (whole && shown.cut > 0) return [];
  const numberWidth = String(Math.max(1, ...shown.lines.map((l) => l.no))).length;
  return [
    <Text key="src" wrap="truncate">
      <Text bold>{shown.path}</Text>
      {` · ${what} · `}
      <Text color={theme.warn} bold>
        ›
      </Text>
      {' awaits or yields: there it waits · ↑↓ another source'}
    </Text>,
    ...shown.lines.map((line, i) => (
      // biome-ignore lint/suspicious/noArrayIndexKey: a line of the screen is identified by its position
      <Text key={`l-${i}`} wrap="truncate">
        <Text dimColor={theme.faint} color={theme.muted}>{`${line.no ? String(line.no).padStart(numberWidth + 1) : ' '.repeat(numberWidth + 1)} `}</Text>
        <Text color={theme.warn} bold>
          {line.pause ? '›' : ' '}
        </Text>
        <Text bold={line.pause} color={line.pause ? theme.warn : undefined}>{` ${line.text}`}</Text>
      </Text>
    )),
    ...(shown.cut > 0
      ? [<Text key="cut" wrap="truncate" dimColor={theme.faint}>{`${' '.repeat(numberWidth + 4)}… ${shown.cut} more lines in ${shown.path}`}</Text>]
      : []),
  ];
}
