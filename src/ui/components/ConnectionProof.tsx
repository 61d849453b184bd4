import { Text } from 'ink';
import { safeText } from '../../util/sanitize.js';
import { count, duration, fit, stateLabel, stateSymbol } from '../format.js';
import type { SourceView } from '../model/store.js';
import { useTheme } from '../theme.js';

/**
 * The proof of `async with`, one line per source, left on screen when the run is over:
 * "opened 300ms → 150 rows → closed 1.80s ✔ done" for the one that finished, the one whose query
 * failed and the one cancelled alike; a connection that never closed says so in red.
 */
export function ConnectionProof({ views, width, nameWidth }: { views: readonly SourceView[]; width: number; nameWidth: number }) {
  const theme = useTheme();
  const name = Math.max(4, Math.min(nameWidth, 16));
  const rows = Math.max(...views.map((v) => count(v.records).length));
  const times = Math.max(...views.map((v) => Math.max(duration(v.marks?.open ?? 0).length, duration(v.marks?.closed ?? 0).length)));
  return (
    <>
      {views.map((v) => {
        const m = v.marks ?? {};
        const opened = m.open === undefined ? 'never opened' : `opened ${duration(m.open).padStart(times)}`;
        // How it ended, short: the reason a cancel came from, else the error.
        const how =
          v.state === 'cancelled' || v.state === 'timed-out'
            ? `${stateLabel[v.state]}${v.cancelReason && v.cancelReason !== 'timeout' ? ` (${safeText(v.cancelReason, 20)})` : ''}`
            : v.error !== undefined
              ? safeText(v.error, Math.max(10, width))
              : stateLabel[v.state];
        return (
          <Text key={v.name} wrap="truncate">
            {' '}
            <Text color={theme.state[v.state]}>{stateSymbol[v.state]}</Text>
            {` ${fit(safeText(v.name), name)} ${opened} → ${count(v.records).padStart(rows)} rows → `}
            {m.closed !== undefined ? (
              <Text>
                {`closed ${duration(m.closed).padStart(times)} `}
                <Text bold color={theme.state.done}>
                  ✔
                </Text>
              </Text>
            ) : (
              <Text bold color={theme.state.failed}>
                {m.open === undefined ? 'nothing to close' : 'not closed ✖'}
              </Text>
            )}
            <Text color={theme.state[v.state]}>{`  ${how}`}</Text>
          </Text>
        );
      })}
    </>
  );
}
