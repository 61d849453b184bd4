import { Text } from 'ink';
import type { SourceState } from '../../pipeline/events.js';
import { safeText } from '../../util/sanitize.js';
import { count, fit, stateLabel, stateSymbol } from '../format.js';
import type { Group } from '../model/groups.js';
import { stateCounts } from '../model/lecture.js';
import { useTheme } from '../theme.js';
import { progressBar } from './bars.js';

export interface GroupBlockProps {
  group: Group;
  /** The run's peak in flight, when the group is the whole run (then it is the group's too). */
  peakRunning?: number;
  width: number;
  /** Lines there is room for. */
  rows: number;
}

const LABEL: Partial<Record<SourceState, string>> = { running: 'in flight' };

/** The lines a group takes at most: its title, six states, its chunks. */
export const GROUP_LINES = 8;

/**
 * Thousands of identical sources as one block: how many are queued, in flight, done (and failed,
 * timed out, cancelled when any are), each with a bar on the group's own fixed scale (0 to all
 * of them), the peak in flight, and the chunks read of all expected.
 */
export function GroupBlock({ group, peakRunning, width, rows }: GroupBlockProps) {
  const theme = useTheme();
  const n = group.members.length;
  const counts = stateCounts(group.members);
  let chunks = 0;
  let expected = 0;
  for (const v of group.members) {
    chunks += v.chunks;
    expected += v.expected?.chunks ?? 0;
  }
  const states = (['queued', 'running', 'done', 'failed', 'timed-out', 'cancelled'] as const).filter(
    (s) => s === 'queued' || s === 'running' || s === 'done' || counts[s] > 0,
  );
  const numbers = Math.max(5, count(n).length);
  const peak = peakRunning === undefined ? '' : ` peak ${count(peakRunning)}`;
  const bar = Math.max(0, Math.min(40, width - 3 - 1 - 1 - 10 - numbers - 1 - 2 - peak.length - 1));
  const lines = [
    <Text key="title" wrap="truncate">
      <Text bold>{` ${safeText(group.stem, 30)} ×${count(n)}`}</Text>
      <Text dimColor={theme.faint}>{`  ${safeText(group.first, 30)} … ${safeText(group.last, 30)} (${safeText(group.kind, 20)}), counted per state`}</Text>
    </Text>,
    ...states.map((s) => (
      <Text key={s} wrap="truncate">
        {'   '}
        <Text color={theme.state[s]}>{stateSymbol[s]}</Text>
        {` ${fit(LABEL[s] ?? stateLabel[s], 10)}${fit(count(counts[s]), numbers, 'right')} `}
        <Text dimColor={theme.faint}>│</Text>
        <Text color={theme.state[s]}>{progressBar(counts[s] / n, bar).replace(/░/g, ' ')}</Text>
        <Text dimColor={theme.faint}>│</Text>
        {s === 'running' && peak && (
          <Text bold color={theme.accent}>
            {peak}
          </Text>
        )}
      </Text>
    )),
    <Text key="chunks" wrap="truncate">
      {`   chunks ${count(chunks)}${expected ? ` of ${count(expected)} (${Math.floor((chunks / expected) * 100)}%)` : ''}`}
    </Text>,
  ];
  return <>{lines.slice(0, Math.max(0, rows))}</>;
}
