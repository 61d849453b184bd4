import { Text } from 'ink';
import { safeText } from '../../util/sanitize.js';
import { bytes, duration, fit, perSecond, rate, shortCount, stateSymbol } from '../format.js';
import type { RowColumns } from '../model/layout.js';
import type { SourceView } from '../model/store.js';
import { useTheme } from '../theme.js';
import { indeterminateBar, progressBar } from './bars.js';

export interface SourceRowProps {
  view: SourceView;
  /** Run time now, ms: running rows tick between events. */
  now: number;
  columns: RowColumns;
  selected: boolean;
}

/** How far along a source is (0..1), when it said how much to expect. */
function progressOf(view: SourceView): number | undefined {
  if (view.expected?.chunks) return view.chunks / view.expected.chunks;
  if (view.expected?.bytes) return view.bytes / view.expected.bytes;
  return view.state === 'done' ? 1 : undefined;
}

export function elapsedOf(view: SourceView, now: number): number | undefined {
  if (view.state === 'queued') return undefined;
  if (view.state === 'running') return view.startedAt === undefined ? 0 : Math.max(0, now - view.startedAt);
  return view.ms;
}

/** One source on one line: symbol, name, progress, records, bytes, rate, time, error or note. */
export function SourceRow({ view, now, columns: w, selected }: SourceRowProps) {
  const theme = useTheme();
  const color = theme.state[view.state];
  const fraction = progressOf(view);
  const label = w.bar >= 12;
  const cells = label ? w.bar - 5 : w.bar;
  const bar =
    view.state === 'queued'
      ? '░'.repeat(cells)
      : fraction === undefined
        ? view.state === 'running'
          ? indeterminateBar(cells, now)
          : '░'.repeat(cells)
        : progressBar(fraction, cells);
  const percent = label ? (fraction === undefined ? '' : `${Math.min(100, Math.floor(fraction * 100))}%`).padStart(5) : '';
  const elapsed = elapsedOf(view, now);
  // The error says how it ended; the last note what it did about it ("connection closed").
  const note = view.lastNote !== undefined && view.state !== 'queued' ? view.lastNote : undefined;
  const cell = (text: string, width: number) => (width > 0 ? `${fit(text, width, 'right')} ` : '');
  return (
    <Text wrap="truncate" inverse={selected && theme.inverse}>
      {selected ? '›' : ' '}
      <Text color={color}>{stateSymbol[view.state]}</Text>
      {` ${fit(safeText(view.name), w.name)} `}
      <Text color={color} dimColor={view.state === 'queued' && theme.faint}>
        {bar}
      </Text>
      {`${percent} `}
      {cell(shortCount(view.records), w.records)}
      {cell(bytes(view.bytes), w.bytes)}
      {cell(elapsed ? perSecond(rate(view.records, elapsed)) : '', w.rate)}
      {cell(elapsed === undefined ? '' : duration(elapsed), w.time)}
      {w.detail > 0 && view.error !== undefined && <Text color={color}>{safeText(view.error, w.detail)}</Text>}
      {w.detail > 0 && note !== undefined && <Text color={theme.muted}>{`${view.error !== undefined ? ' · ' : ''}${safeText(note, w.detail)}`}</Text>}
    </Text>
  );
}
