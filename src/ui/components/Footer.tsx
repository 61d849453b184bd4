import { Text } from 'ink';
import { safeText } from '../../util/sanitize.js';
import { useTheme } from '../theme.js';

export interface FooterProps {
  replay?: boolean;
  attached?: boolean;
  keysWork: boolean;
  stopping?: string;
  paused?: boolean;
  finished: boolean;
  /** A lecture scene that is over and stays on screen until q. */
  finale?: boolean;
  /** --contrast: the label of the other way while it runs. */
  contrasting?: string;
  message?: string;
  width: number;
}

const RUN_KEYS = [
  '↑↓ select · c cancel · +/- concurrency · p pause · t timeline · l lesson · q quit · ? help',
  '↑↓ select · c cancel · +/- limit · p pause · t timeline · l lesson · q quit · ? help',
  '↑↓ · c cancel · +/- · p pause · t timeline · l lesson · q quit · ? help',
];
const ATTACHED_KEYS = [
  'attached · ↑↓ select · c cancel · +/- concurrency · p pause · X stop the run · q leave · ? help',
  'attached · ↑↓ · c cancel · +/- · p pause · X stop run · q leave · ? help',
  'attached · c · +/- · p · X stop run · q leave · ?',
];
const FINALE_KEYS = [
  'the end · t timeline · l lesson · ? help · q leave (the picture stays)',
  'the end · t timeline · l lesson · ? help · q leave',
  'end · t · l · ? · q leave',
];
const PAUSED_KEYS = ['paused: time stands still · p go on · → one step · t timeline · l lesson · q quit', 'paused · p go on · → step · t · l · q quit'];
const ATTACHED_PAUSED_KEYS = [
  'paused: time stands still · p go on · → one step · X stop the run · q leave',
  'paused · p go on · → step · X stop run · q leave',
];
const REPLAY_KEYS = [
  'replay · ↑↓ select · p pause · → step · t timeline · l lesson · q quit · ? help',
  'replay · ↑↓ · p pause · → step · t timeline · l lesson · q quit · ? help',
  'replay · p pause · → step · t · l · q quit · ? help',
];

/** The keys, or what is going on instead (stopping, keys unavailable), plus a passing message. */
export function Footer({ replay, attached, keysWork, stopping, paused, finished, finale, contrasting, message, width }: FooterProps) {
  const theme = useTheme();
  const keys = !keysWork
    ? 'keys off: stdin is not a terminal · Ctrl-C stops'
    : contrasting !== undefined
      ? `now the other way: ${safeText(contrasting, 24)}… · q stops it and leaves`
      : finale
        ? fitting(FINALE_KEYS, width - (message ? message.length + 2 : 0))
        : finished
          ? 'finished · writing the summary'
          : paused
            ? fitting(attached ? ATTACHED_PAUSED_KEYS : PAUSED_KEYS, width - (message ? message.length + 2 : 0))
            : stopping
              ? attached
                ? `the run is stopping (${stopping}): its sources clean up, outputs flush · q leaves`
                : `stopping (${stopping}): running sources clean up, outputs flush · Ctrl-C again leaves at once`
              : fitting(attached ? ATTACHED_KEYS : replay ? REPLAY_KEYS : RUN_KEYS, width - (message ? message.length + 2 : 0));
  return (
    <Text wrap="truncate" dimColor={!message && theme.faint}>
      {message && <Text color={theme.warn} bold>{`${message}  `}</Text>}
      {keys}
    </Text>
  );
}

/** The longest form that fits; the last one (cut by the terminal) when none does. */
const fitting = (forms: readonly string[], width: number) => forms.find((f) => f.length <= width) ?? forms.at(-1)!;
