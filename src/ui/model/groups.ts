import type { SourceView } from './store.js';

/**
 * Thousands of identical sources (one config with a `count`: conn-00001 … conn-10000) say
 * nothing row by row: 32 rows of the same bar. They are shown as one group, counted per state.
 */
export interface Group {
  /** The name they share before their number ("conn"). */
  stem: string;
  kind: string;
  members: SourceView[];
  first: string;
  last: string;
}

/** A group of at least this many is drawn as one ("thousands": a thousand still get their rows). */
const GROUP_FROM = 2000;

/** Members that keep a row under their group's block: the ones whose error someone should read. */
export const needsRow = (v: SourceView) => v.state === 'failed' || v.state === 'timed-out';

/** `count` expansions name their copies `<name>-<number>`. */
const STEM = /^(.+)-\d+$/;

/** The big groups, and every source in none of them (in configured order). */
export function groupSources(sources: readonly SourceView[]): { groups: Group[]; rest: SourceView[] } {
  if (sources.length < GROUP_FROM) return { groups: [], rest: [...sources] };
  const byKey = new Map<string, Group>();
  for (const view of sources) {
    const stem = STEM.exec(view.name)?.[1];
    if (stem === undefined) continue;
    const key = `${view.kind}\u0000${stem}`;
    let group = byKey.get(key);
    if (!group) {
      group = { stem, kind: view.kind, members: [], first: view.name, last: view.name };
      byKey.set(key, group);
    }
    group.members.push(view);
    group.last = view.name;
  }
  const groups = [...byKey.values()].filter((g) => g.members.length >= GROUP_FROM);
  if (groups.length === 0) return { groups, rest: [...sources] };
  const grouped = new Set(groups.flatMap((g) => g.members));
  return { groups, rest: sources.filter((v) => !grouped.has(v)) };
}
