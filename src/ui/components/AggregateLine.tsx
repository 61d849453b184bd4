import { Text } from 'ink';
import type { SourceState } from '../../pipeline/events.js';
import { count, stateLabel, stateSymbol } from '../format.js';
import { useTheme } from '../theme.js';

export interface AggregateLineProps {
  counts: Record<SourceState, number>;
  total: number;
  shown: number;
  width: number;
}

const ORDER: readonly SourceState[] = ['running', 'queued', 'done', 'failed', 'timed-out', 'cancelled'];

/**
 * Counts per state for all sources, and how many of them have a row: the whole run in one line.
 * Narrower terminals get the same line without the zero counts, then symbols and numbers only
 * (the help overlay explains the symbols).
 */
export function AggregateLine({ counts, total, shown, width }: AggregateLineProps) {
  const theme = useTheme();
  const tail = total > shown ? ` · ${count(shown)} of ${count(total)} shown` : '';
  const lead = `${count(total)} source${total === 1 ? '' : 's'}:`;
  const forms = [
    ORDER.map((s) => ` ${stateSymbol[s]} ${count(counts[s])} ${stateLabel[s]}`),
    ORDER.map((s) => (counts[s] > 0 ? ` ${stateSymbol[s]} ${count(counts[s])} ${stateLabel[s]}` : '')),
    ORDER.map((s) => ` ${stateSymbol[s]}${count(counts[s])}`),
  ];
  const parts = forms.find((f) => lead.length + f.join('').length + tail.length <= width) ?? forms.at(-1)!;
  return (
    <Text wrap="truncate">
      <Text bold>{lead}</Text>
      {ORDER.map((s, i) => (
        <Text key={s} color={counts[s] > 0 ? theme.state[s] : undefined} dimColor={counts[s] === 0 && theme.faint}>
          {parts[i]}
        </Text>
      ))}
      {tail}
    </Text>
  );
}
