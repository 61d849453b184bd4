import { useMemo } from 'react';
import { groupSources } from '../model/groups.js';
import type { SourceView } from '../model/store.js';

/** The sources' big groups: names never change once announced, so only a new source regroups. */
export function useGroups(sources: readonly SourceView[]) {
  // The views are live objects: the same array grows in place, so its length is the key.
  return useMemo(() => groupSources(sources), [sources, sources.length]);
}
