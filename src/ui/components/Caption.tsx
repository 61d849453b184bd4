import { Text } from 'ink';
import { useTheme } from '../theme.js';

/**
 * The scene's caption: what happened, in the lecture's units, on a line of its own, bold, so
 * the back row can read it ("1.0 s instead of 2.3 s (3 fetches at once)").
 */
export function Caption({ text }: { text: string }) {
  const theme = useTheme();
  return (
    <Text wrap="truncate" bold color={theme.accent}>
      {`» ${text}`}
    </Text>
  );
}
