// Runs in a worker thread of the --offload pool: the same transform, off the event loop.

import type { RejectedRecord } from '../../sinks/sink.js';
import { UnreadableRecord } from '../../sources/unreadable.js';
import { yieldToTheEventLoop } from '../../util/thread-priority.js';
import { type PackedStrings, packStrings, unpackStrings } from '../packed-strings.js';
import { type TransformJob, transformRecords } from '../transform.js';

// The event loop first: with as many workers as cores, the CPU-heavy transforms (05-blocking's
// pbkdf2) would otherwise take the cores from the loop they were moved off to keep responsive.
yieldToTheEventLoop();

/**
 * A job as it crosses to the pool: records that are all strings travel packed. A structured clone
 * keeps no class, so where UnreadableRecords were is said by their indices.
 */
export type OffloadJob = Omit<TransformJob, 'records'> & ({ records: unknown[]; unreadable?: number[] } | { packed: PackedStrings });
export interface OffloadResult {
  lines: PackedStrings;
  bad: RejectedRecord[];
}

export default (job: OffloadJob): OffloadResult => {
  const records = 'packed' in job ? unpackStrings(job.packed) : job.records;
  for (const i of ('unreadable' in job && job.unreadable) || []) {
    const { reason, excerpt } = records[i] as UnreadableRecord;
    records[i] = new UnreadableRecord(reason, excerpt);
  }
  const { lines, bad } = transformRecords({ source: job.source, seq: job.seq, records, cpuCostMs: job.cpuCostMs });
  return { lines: packStrings(lines), bad };
};
