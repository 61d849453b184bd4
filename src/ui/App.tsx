import { useMemo, useState } from 'react';
import { Box } from 'ink';
import type { Snapshot, Store } from '../pipeline/store.js';
import { AggregateLine } from './AggregateLine.js';
import type { DashboardControls } from './controls.js';
import { Footer } from './Footer.js';
import { Header } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import { pickVisible, planHeight, rowColumns } from './layout.js';
import { SourceList } from './SourceList.js';
import { useDashboardKeys } from './use-dashboard-keys.js';
import { useFlashMessage } from './use-flash-message.js';
import { useRates } from './use-rates.js';
import { useSnapshot } from './use-snapshot.js';
import { useTerminalSize } from './use-terminal-size.js';

export interface AppProps {
  store: Store;
  controls: () => DashboardControls | undefined;
  replay?: boolean;
  /** Render nothing: the last frame before unmounting, so the summary replaces the dashboard. */
  hidden?: boolean;
  forceExit(): void;
  /** Wall clock (epoch ms); tests pass a fixed one. */
  clock?: () => number;
}

/** Run time now, ms: the clock between events, the recorded wall time once the run is over. */
function runTime(snapshot: Snapshot, clock: () => number): number {
  if (snapshot.summary) return snapshot.summary.wallMs;
  return Math.max(snapshot.t, clock() - snapshot.startedAtEpochMs);
}

/** Over all sources, not the visible ones: columns stay put when other rows come into view. */
function longestName(sources: Snapshot['sources']): number {
  let longest = 6;
  for (const view of sources) longest = Math.max(longest, view.name.length);
  return longest;
}

export function App({ store, controls, replay, hidden, forceExit, clock = Date.now }: AppProps) {
  const snapshot = useSnapshot(store);
  const { columns, rows } = useTerminalSize();
  const [selected, setSelected] = useState<string>();
  const [help, setHelp] = useState(false);
  const [message, say] = useFlashMessage();
  const rates = useRates(snapshot);
  const nameWidth = useMemo(() => longestName(snapshot.sources), [snapshot.sources, snapshot.sources.length]);
  const now = runTime(snapshot, clock);
  const plan = planHeight(rows);
  // One column short of the width too: a line that fills the last column wraps on some terminals.
  const width = Math.max(1, columns - 1);
  const visible = pickVisible(snapshot.sources, plan.listRows, selected);
  const keysWork = useDashboardKeys({
    store,
    controls,
    visible: visible.map((v) => v.name),
    selected,
    select: setSelected,
    toggleHelp: () => setHelp((h) => !h),
    closeHelp: () => setHelp(false),
    say,
    forceExit,
  });
  if (hidden || !plan.aggregate || snapshot.sources.length === 0) return null;
  const cols = rowColumns(width, nameWidth);
  return (
    <Box flexDirection="column" width={width}>
      {plan.headerLines > 0 && <Header snapshot={snapshot} now={now} rates={rates} lines={plan.headerLines} replay={replay} />}
      {help ? (
        <HelpOverlay rows={plan.listRows + (plan.columnHeader ? 1 : 0)} replay={replay} />
      ) : (
        <SourceList views={visible} now={now} columns={cols} selected={selected} columnHeader={plan.columnHeader} />
      )}
      <AggregateLine counts={snapshot.counts} total={snapshot.sources.length} shown={visible.length} width={width} />
      {plan.footer && <Footer replay={replay} keysWork={keysWork} stopping={snapshot.stopping} finished={snapshot.summary !== undefined} message={message} />}
    </Box>
  );
}
