import { Text } from 'ink';
import { safeText } from '../../util/sanitize.js';
import { fit } from '../format.js';
import type { Note } from '../model/store.js';
import { useTheme } from '../theme.js';

export interface NotesPaneProps {
  notes: readonly Note[];
  /** Lines there is room for, the title included. */
  rows: number;
  selected?: string;
  nameWidth: number;
}

/** Panes smaller than this are not worth the space they take from the rows. */
export const MIN_NOTES_ROWS = 3;

/**
 * The latest lifecycle notes the sources reported ("connecting…", "connection closed",
 * "cleaning up after: …"): what a row's last column shows one at a time, as a short log. The
 * selected source's notes stand out.
 */
export function NotesPane({ notes, rows, selected, nameWidth }: NotesPaneProps) {
  const theme = useTheme();
  if (rows < MIN_NOTES_ROWS || notes.length === 0) return null;
  const shown = notes.slice(-(rows - 1));
  const name = Math.max(4, Math.min(nameWidth, 20));
  return (
    <>
      <Text wrap="truncate" dimColor={theme.faint} bold={!theme.faint}>
        {'   notes: what the sources say as they open, wait, clean up and close'}
      </Text>
      {shown.map((note, i) => {
        const mine = note.source === selected;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: a line of the screen is identified by its position
          <Text key={`${note.t}-${i}`} wrap="truncate" bold={mine}>
            {mine ? '›' : ' '}
            <Text color={theme.muted}>{`${(note.t / 1000).toFixed(2).padStart(6)}s `}</Text>
            {`${fit(safeText(note.source), name)} `}
            {safeText(note.text, 200)}
          </Text>
        );
      })}
    </>
  );
}
