import { setTimeout as sleep } from 'node:timers/promises';
import type { DeadLetters } from '../../src/sinks/dead-letter.js';
import type { Sink } from '../../src/sinks/sink.js';
import type { Source } from '../../src/sources/source.js';
import { untilAborted } from '../../src/util/wait-list.js';

/** An error like the one a full disk gives. */
const diskFull = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

/** A sink whose write of chunk `${source}/${seq}` fails like a full disk, before anything is written. */
export function faultySink(inner: Sink, failing: ReadonlySet<string>): Sink {
  return {
    kind: inner.kind,
    open: () => inner.open(),
    write: async (source, chunk) => {
      if (failing.has(`${source}/${chunk.seq}`)) throw diskFull();
      return inner.write(source, chunk);
    },
    endSource: (source) => inner.endSource(source),
    flush: () => inner.flush(),
    close: () => inner.close(),
    position: inner.position && ((source) => inner.position!(source)),
    rewind: inner.rewind && ((to) => inner.rewind!(to)),
  };
}

export function faultyDeadLetters(inner: DeadLetters, failing: ReadonlySet<string>): DeadLetters {
  return {
    write: async (source, seq, bad) => {
      if (bad.length > 0 && failing.has(`${source}/${seq}`)) throw diskFull();
      return inner.write(source, seq, bad);
    },
    close: () => inner.close(),
  };
}

export interface Plan {
  chunks: number;
  records: number;
  delayMs: number;
  /** Record numbers (seq * records + index) that are not valid JSON. */
  bad: number[];
  failAt?: number;
  hangAt?: number;
}

/** A source that resumes from its cursor like the real ones, with the faults its plan asks for. */
export function plannedSource(name: string, plan: Plan): Source {
  return {
    name,
    kind: 'planned',
    async *read({ signal, resumeFrom }) {
      for (let seq = resumeFrom?.seq ?? 0; seq < plan.chunks; seq++) {
        if (seq === plan.hangAt) await untilAborted(signal);
        await sleep(plan.delayMs, undefined, { signal });
        if (seq === plan.failAt) throw new Error(`boom at ${seq}`);
        const records = Array.from({ length: plan.records }, (_, index) =>
          plan.bad.includes(seq * plan.records + index) ? '{"torn' : JSON.stringify({ name, seq, index }),
        );
        yield { seq, records, bytes: records.join('\n').length + 1, cursor: { seq: seq + 1 } };
      }
    },
  };
}
