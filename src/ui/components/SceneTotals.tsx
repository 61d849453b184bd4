import { Text } from 'ink';
import type { ReactElement } from 'react';
import type { LessonFocus } from '../../pipeline/events.js';
import { count, duration } from '../format.js';
import { connections, lagText, lectureMs, seconds } from '../model/lecture.js';
import type { Snapshot } from '../model/store.js';
import { useTheme } from '../theme.js';
import { GLYPH } from './Timeline.js';

export interface SceneTotalsProps {
  snapshot: Snapshot;
  focus: LessonFocus;
  wall: number;
  busy: number;
}

/**
 * The line under a lecture scene's timeline: what the bars add up to for this scene. Wall against
 * busy for gather; the deadline and how long the cleanup took for a cancel; opened against closed
 * for async with; how long the loop was held for a blocking call.
 */
export function SceneTotals({ snapshot: s, focus, wall, busy }: SceneTotalsProps): ReactElement {
  const theme = useTheme();
  const Wall = (
    <>
      {'wall '}
      <Text bold>{duration(wall)}</Text>
    </>
  );
  const deadline =
    s.stopping === 'deadline' && s.stoppingAt !== undefined ? <Text color={theme.warn}>{` · deadline at ${duration(s.stoppingAt)}`}</Text> : null;
  switch (focus) {
    case 'cancel': {
      let cleanup = -1;
      for (const v of s.sources) if (v.cancellingAt !== undefined && v.endedAt !== undefined) cleanup = Math.max(cleanup, v.endedAt - v.cancellingAt);
      return (
        <>
          {Wall}
          {deadline}
          {cleanup >= 0 && <Text color={theme.state.cancelled}>{` · cleanup ${GLYPH.cleanup} ${duration(cleanup)}, then re-raised`}</Text>}
        </>
      );
    }
    case 'cleanup': {
      const { opened, closed } = connections(s);
      return (
        <>
          {Wall}
          {` · ${count(opened.length)} opened · `}
          <Text bold color={closed.length === opened.length ? theme.state.done : theme.state.failed}>{`${count(closed.length)} closed`}</Text>
          {` ${GLYPH.cleanup} on every way out`}
          {deadline}
        </>
      );
    }
    case 'lag':
      return (
        <>
          {Wall}
          {s.heldMs > 0 ? ' · the loop held ' : ' · nothing held the loop'}
          {s.heldMs > 0 && <Text bold color={theme.state.failed}>{`${GLYPH.held} ${duration(s.heldMs)}`}</Text>}
          {`${s.heldMs > 0 ? ' of it' : ''} · max lag ${lagText(s.summary?.maxLoopLagMs ?? s.maxLagMs)}`}
        </>
      );
    default: {
      const speedup = wall > 0 ? busy / wall : 0;
      return (
        <>
          {Wall}
          {' · busy '}
          <Text bold>{duration(busy)}</Text>
          {/* Under --slowmo the lecture's own numbers take the room of the explanation. */}
          {s.slowmo !== 1 ? ' · speedup ' : ' (the bars added up) · speedup '}
          <Text bold color={theme.accent}>{`${speedup.toFixed(2)}×`}</Text>
          {s.slowmo !== 1 && ` · lecture ${seconds(lectureMs(s, wall))} vs ${seconds(lectureMs(s, busy))}`}
          {deadline}
        </>
      );
    }
  }
}
