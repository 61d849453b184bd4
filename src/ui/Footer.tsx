import { Text } from 'ink';
import { useTheme } from './theme.js';

export interface FooterProps {
  replay?: boolean;
  keysWork: boolean;
  stopping?: string;
  finished: boolean;
  message?: string;
}

/** The keys, or what is going on instead (stopping, keys unavailable), plus a passing message. */
export function Footer({ replay, keysWork, stopping, finished, message }: FooterProps) {
  const theme = useTheme();
  const keys = !keysWork
    ? 'keys off: stdin is not a terminal · Ctrl-C stops'
    : finished
      ? 'finished · writing the summary'
      : stopping
        ? `stopping (${stopping}): running sources clean up, outputs flush · Ctrl-C again leaves at once`
        : replay
          ? 'replay · ↑↓ select · q quit · ? help · c + - p do nothing in a replay'
          : '↑↓ select · c cancel · +/- concurrency · p pause · q quit · ? help';
  return (
    <Text wrap="truncate" dimColor={!message && theme.faint}>
      {message && <Text color={theme.warn} bold>{`${message}  `}</Text>}
      {keys}
    </Text>
  );
}
