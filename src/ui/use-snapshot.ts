import { useSyncExternalStore } from 'react';
import type { Snapshot, Store } from '../pipeline/store.js';

/**
 * The store's latest snapshot. The store notifies at most ~15 times a second however many chunks
 * arrive: that is the one place the dashboard's rendering is throttled.
 */
export function useSnapshot(store: Store): Snapshot {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
