import type { CheckpointStore, CheckpointTarget } from '../pipeline/persistence/checkpoints.js';
import { CHECKPOINT_FORMAT } from '../pipeline/persistence/checkpoints.js';
import type { Cursor } from '../sources/source.js';
import type { CancelKind } from '../util/cancel-reasons.js';
import type { FleetFeed } from './feed.js';

/**
 * Stops that end this worker, not the source: what it was reading goes back to the run for
 * another worker (or this one, started again) to continue from its committed cursor.
 */
const HANDS_ON: ReadonlySet<CancelKind> = new Set(['SIGINT', 'SIGTERM', 'quit', 'EPIPE', 'deadline']);

/**
 * A fleet worker's checkpoints: the cursors live in ingest_sources, moved by the sink in the same
 * transaction as the rows, so here a source resumes from its claim's cursor and its end is told
 * to the run. Done, failed, timed out, or cancelled by the user (c): final for the whole fleet.
 * Stopped with this worker (Ctrl-C, SIGTERM, q, a closed pipe, this worker's --deadline):
 * released at once, for another worker. Lost to another worker already: nothing to tell.
 */
export function fleetCheckpoints(feed: FleetFeed, targets: CheckpointTarget[], where: string): CheckpointStore {
  const byName = new Map(targets.map((t) => [t.name, t]));
  /** The last committed cursor of each source this worker ran, and whether it ended done: for the drain receipt. */
  const seen = new Map<string, { cursor?: Cursor; done: boolean }>();
  return {
    dir: `${where}, fleet run ${JSON.stringify(feed.run)}`,
    continueWith: `the same command with --fleet ${feed.run}, on any machine`,
    resumeFrom: (name) => feed.resumeFrom(name),
    async persisted(name, cursor) {
      seen.set(name, { cursor, done: false });
    },
    async finished(name, state, how) {
      if (state === 'cancelled' && how?.stop === 'lease') return;
      if (state === 'cancelled' && how?.stop !== undefined && HANDS_ON.has(how.stop)) {
        await feed.release([name]);
        return;
      }
      await feed.finish(name, state, how?.error);
      if (state === 'done') seen.set(name, { cursor: seen.get(name)?.cursor, done: true });
    },
    current(name) {
      const target = byName.get(name);
      const at = seen.get(name) ?? { cursor: feed.resumeFrom(name), done: false };
      if (!target) return undefined;
      return {
        format: CHECKPOINT_FORMAT,
        source: name,
        kind: target.kind,
        fingerprint: target.fingerprint,
        sink: 'postgres',
        cursor: at.cursor,
        done: at.done,
      };
    },
    skipDone: (sources) => sources, // the run's table hands out only sources that are not final
    sealOutputs: async () => {},
  };
}
