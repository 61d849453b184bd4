import { useStdout } from 'ink';
import { useLayoutEffect, useReducer } from 'react';

export interface TerminalSize {
  columns: number;
  rows: number;
}

/**
 * The terminal's size, read at every render (so a render forced right after a resize already
 * lays out the new size, see mountDashboard) and re-rendering on resize by itself.
 */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [, resized] = useReducer((n: number) => n + 1, 0);
  // A layout effect: listening from the first commit on, so no resize falls in between.
  useLayoutEffect(() => {
    stdout.on('resize', resized);
    return () => void stdout.off('resize', resized);
  }, [stdout]);
  return { columns: stdout.columns || 80, rows: stdout.rows || 24 };
}
