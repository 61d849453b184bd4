import { useSyncExternalStore } from 'react';
import type { Snapshot, Store } from '../model/store.js';

/** What a view needs of a store: the pipeline's own, or its replica in the dashboard's worker. */
export type SnapshotSource = Pick<Store, 'getSnapshot' | 'subscribe'>;

/**
 * The store's latest snapshot. The store notifies at most ~15 times a second however many chunks
 * arrive: that is the one place the dashboard's rendering is throttled.
 */
export function useSnapshot(store: SnapshotSource): Snapshot {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
