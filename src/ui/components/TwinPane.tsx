import { Text } from 'ink';
import type { ReactElement } from 'react';
import { safeText } from '../../util/sanitize.js';
import type { TwinRun } from '../hooks/use-twin-run.js';
import type { Theme } from '../theme.js';

export interface TwinPaneInput {
  /** The scenario's twin.out. */
  recorded: string[];
  /** `python3 twin.py` run live (y), when it was asked for. */
  live: TwinRun;
  /** This run, told the twin's way (ourAccount). */
  ours: string[];
  width: number;
  theme: Theme;
}

/** Side by side from this width; narrower, the twin's lines alone. */
const SIDE_BY_SIDE = 60;

/** Cut to `width` columns with … (safeText first: a twin's output is text from outside). */
const cut = (text: string, width: number) => {
  const clean = safeText(text, 400);
  return clean.length <= width ? clean.padEnd(width) : `${clean.slice(0, Math.max(0, width - 1))}…`;
};

/** At most `rows` lines: the first ones and always the last (a total, what it showed), "…" between when some must go. */
function fit(lines: string[], rows: number): string[] {
  if (lines.length <= rows) return lines;
  if (rows < 3) return [...lines.slice(0, rows - 1), lines.at(-1)!];
  return [...lines.slice(0, rows - 2), '…', lines.at(-1)!];
}

/**
 * The Python asyncio twin's output next to this run's own account of the same scene, in `rows`
 * lines at most (none below 3): what the lecture's program printed (recorded here, or live after
 * y) against what ingest-tui measured.
 */
export function twinPaneLines({ recorded, live, ours, width, theme }: TwinPaneInput, rows: number): ReactElement[] {
  if (rows < 3) return [];
  const liveShown = live.state !== 'idle';
  const theirs = liveShown ? (live.lines.length > 0 ? live.lines : ['…']) : recorded;
  const label = liveShown
    ? `python3 twin.py · live${live.state === 'running' ? ' (y stops it)' : ` · ${live.status ?? live.state}`}`
    : 'python3 twin.py · recorded · y: live';
  const body = rows - 1;
  if (width < SIDE_BY_SIDE) {
    return [
      <Text key="twin-head" wrap="truncate" bold color={theme.accent}>{`  ${label}`}</Text>,
      ...fit(theirs, body).map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a line of the screen is identified by its position
        <Text key={`twin-${i}`} wrap="truncate">{`  ${cut(line, width - 3)}`}</Text>
      )),
    ];
  }
  const half = Math.floor((width - 5) / 2);
  const left = fit(theirs, body);
  const right = fit(ours, body);
  return [
    <Text key="twin-head" wrap="truncate">
      {'  '}
      <Text bold color={theme.accent}>
        {cut(label, half)}
      </Text>
      <Text color={theme.muted} dimColor={theme.faint}>
        {' │ '}
      </Text>
      <Text bold color={theme.accent}>
        {cut('ingest-tui · this run', half)}
      </Text>
    </Text>,
    ...Array.from({ length: Math.max(left.length, right.length) }, (_, i) => (
      // biome-ignore lint/suspicious/noArrayIndexKey: a line of the screen is identified by its position
      <Text key={`twin-${i}`} wrap="truncate">
        {`  ${cut(left[i] ?? '', half)}`}
        <Text color={theme.muted} dimColor={theme.faint}>
          {' │ '}
        </Text>
        {cut(right[i] ?? '', half).trimEnd()}
      </Text>
    )),
  ];
}
