import { Text } from 'ink';
import { bytes, count } from '../format.js';
import { lagText, memoryGrowth, THREAD_STACK_BYTES } from '../model/lecture.js';
import type { Snapshot } from '../model/store.js';
import { useTheme } from '../theme.js';
import { fixedScale, foldTo, LAG_STEPS, MEMORY_STEPS, sparkline } from './bars.js';

/**
 * The lines that teach memory and lag: the whole run so far as a sparkline on a fixed scale
 * from 0, labelled, so that a flat run draws flat and a climb climbs (a sparkline scaled to its
 * own range draws a 5% drift as the same rise as a climb to 1.3 GB).
 */

/** How wide a sparkline may be on a line that also says `rest` characters. */
const sparkWidth = (width: number, rest: number, samples: number) => Math.max(0, Math.min(40, samples, width - rest));

export function MemoryScaleLine({ snapshot, width }: { snapshot: Snapshot; width: number }) {
  const theme = useTheme();
  const peak = snapshot.peakRss ?? 0;
  const max = fixedScale(peak, MEMORY_STEPS);
  const label = `memory 0–${bytes(max)} `;
  const now = snapshot.metrics ? bytes(snapshot.metrics.rss) : '…';
  const grown = memoryGrowth(snapshot);
  const tail = ` RSS ${now} · peak ${bytes(peak)}${grown === undefined ? '' : ` (+${bytes(grown)})`}`;
  const cells = sparkWidth(width, label.length + 2 + tail.length, 40);
  return (
    <Text wrap="truncate">
      {label}
      {cells > 0 && <Text dimColor={theme.faint}>│</Text>}
      {cells > 0 && <Text color={theme.accent}>{sparkline(foldTo(snapshot.rssHistory, cells), cells, { max }).padEnd(cells, ' ')}</Text>}
      {cells > 0 && <Text dimColor={theme.faint}>│</Text>}
      {tail}
    </Text>
  );
}

export function LagScaleLine({ snapshot, width }: { snapshot: Snapshot; width: number }) {
  const theme = useTheme();
  const worst = Math.max(snapshot.maxLagMs, ...snapshot.lagHistory);
  const max = fixedScale(worst, LAG_STEPS);
  const label = `lag 0–${lagText(max)} `;
  const p99 = snapshot.metrics?.loopLagP99Ms;
  const tail = ` p99 ${p99 === undefined ? '…' : lagText(p99)} · max ${lagText(snapshot.maxLagMs)}`;
  const cells = sparkWidth(width, label.length + 2 + tail.length, 40);
  return (
    <Text wrap="truncate">
      {label}
      {cells > 0 && <Text dimColor={theme.faint}>│</Text>}
      {cells > 0 && (
        <Text color={worst >= 50 ? theme.state.failed : theme.accent}>{sparkline(foldTo(snapshot.lagHistory, cells), cells, { max }).padEnd(cells, ' ')}</Text>
      )}
      {cells > 0 && <Text dimColor={theme.faint}>│</Text>}
      {tail}
    </Text>
  );
}

/** The lecture's arithmetic next to what this run paid: 10,000 threads would need ~10 GB of stacks. */
export function ThreadsLine({ snapshot }: { snapshot: Snapshot }) {
  const theme = useTheme();
  const n = snapshot.peakRunning;
  const grown = memoryGrowth(snapshot);
  const started = snapshot.sources.length - snapshot.counts.queued;
  const each = grown !== undefined && started > 0 ? ` (≈ ${bytes(grown / started)} each)` : '';
  return (
    <Text wrap="truncate">
      {`threads: ${count(n)} × 1 MB stack ≈ `}
      <Text bold>{bytes(n * THREAD_STACK_BYTES)}</Text>
      {' · here '}
      <Text bold color={theme.accent}>
        {grown === undefined ? '…' : `+${bytes(grown)}`}
      </Text>
      {each}
    </Text>
  );
}
