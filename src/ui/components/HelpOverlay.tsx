import { Text } from 'ink';
import { SOURCE_STATES } from '../../pipeline/events.js';
import { stateLabel, stateSymbol } from '../format.js';
import { useTheme } from '../theme.js';

const KEYS: Array<[string, string]> = [
  ['↑ / ↓', 'select a source row'],
  ['c', 'cancel the selected source: its cleanup runs, it ends cancelled'],
  ['+ / -', 'raise / lower the concurrency limit; queued sources start or wait'],
  ['p', 'pause / resume: time stands still (waits, timeouts, the deadline)'],
  ['→ / n', 'step: on to the next thing a source does, then pause'],
  ['q', 'stop gracefully: cleanup, flush, summary; exit 1 if any failed'],
  ['Ctrl-C', 'stop the same way, exit code 130; twice: leave at once'],
  ['t', 'timeline: a lane per source over time, wall vs busy under it'],
  ['l', "lesson: the JS construct and its asyncio twin, the source's code"],
  ['y', 'in the lesson: run the Python twin (twin.py) live; again: stop it'],
  ['? / Esc', 'show / hide this help (Esc: back to the rows)'],
];

/** Attached to a run elsewhere: leaving is the viewer's, stopping is the run's. */
const ATTACHED: Record<string, [string, string]> = {
  q: ['q', 'leave this viewer; the run goes on (so do other viewers)'],
  'Ctrl-C': ['X', 'stop the run itself gracefully, as q at its own terminal'],
};

/** Replaces the source rows while open, in the same number of lines or fewer. */
export function HelpOverlay({ rows, replay, attached }: { rows: number; replay?: boolean; attached?: boolean }) {
  const theme = useTheme();
  const lines = [
    <Text
      key="title"
      wrap="truncate"
      bold
      color={theme.accent}
    >{`Keys${replay ? ' (a replay: c, + and - do nothing)' : attached ? ' (attached: they act on the run; Ctrl-C leaves too)' : ''}`}</Text>,
    ...KEYS.map((entry) => (attached ? (ATTACHED[entry[0]] ?? entry) : entry)).map(([key, what]) => (
      <Text key={key} wrap="truncate">
        <Text bold>{`  ${key.padEnd(9)}`}</Text>
        {what}
      </Text>
    )),
    <Text key="states" wrap="truncate">
      {'  states   '}
      {SOURCE_STATES.map((s) => (
        <Text key={s} color={theme.state[s]}>{`${stateSymbol[s]} ${stateLabel[s]}  `}</Text>
      ))}
    </Text>,
    <Text key="lag" wrap="truncate">
      {'  lag p99  how late timers ran in the last ¼ s (drawing this screen adds a few ms)'}
    </Text>,
  ];
  return <>{lines.slice(0, Math.max(0, rows))}</>;
}
