import { useSyncExternalStore } from 'react';
import type { Snapshot, Store } from '../model/store.js';

/** What a view needs of a store: the pipeline's own, or its replica in the dashboard's worker. */
export type SnapshotSource = Pick<Store, 'getSnapshot' | 'subscribe'>;

/**
 * The store's latest snapshot. The store notifies at most 10 times a second however many chunks
 * arrive, and that interval is the one place the dashboard's frames are paced: in the worker each
 * snapshot is drawn as it arrives and Ink draws every commit (maxFps 0). A worker that falls
 * behind is sent fewer snapshots, not slowed by a timer (one-in-flight.ts).
 */
export function useSnapshot(store: SnapshotSource): Snapshot {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
