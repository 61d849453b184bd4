import { Text } from 'ink';
import { fit } from '../format.js';
import type { RowColumns } from '../model/layout.js';
import type { SourceView } from '../model/store.js';
import { useTheme } from '../theme.js';
import { SourceRow } from './SourceRow.js';

export interface SourceListProps {
  views: readonly SourceView[];
  now: number;
  columns: RowColumns;
  selected?: string;
  columnHeader: boolean;
}

function ColumnHeader({ columns: w }: { columns: RowColumns }) {
  const theme = useTheme();
  const cell = (text: string, width: number, align: 'left' | 'right' = 'right') => (width > 0 ? `${fit(text, width, align)} ` : '');
  return (
    <Text wrap="truncate" dimColor={theme.faint} bold={!theme.faint}>
      {'   '}
      {cell('source', w.name, 'left')}
      {cell('progress', w.bar, 'left')}
      {cell('records', w.records)}
      {cell('bytes', w.bytes)}
      {cell('rate', w.rate)}
      {cell('time', w.time)}
      {w.detail > 0 ? 'error / note' : ''}
    </Text>
  );
}

/** The rows that fit, already chosen by `pickVisible`. */
export function SourceList({ views, now, columns, selected, columnHeader }: SourceListProps) {
  return (
    <>
      {columnHeader && <ColumnHeader columns={columns} />}
      {views.map((view) => (
        <SourceRow key={view.name} view={view} now={now} columns={columns} selected={view.name === selected} />
      ))}
    </>
  );
}
